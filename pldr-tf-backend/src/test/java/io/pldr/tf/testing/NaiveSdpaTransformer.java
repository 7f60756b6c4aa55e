package io.pldr.tf.testing;

import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.RotaryLayout;
import io.pldr.api.tensor.HostTensor;
import java.util.Map;

/**
 * A straightforward double-precision loop implementation of the PLDR-LLM decoder with G_LM = I,
 * i.e. a standard post-norm transformer with scaled dot-product attention, written from the spec
 * without TensorFlow: the independent computation that the identity operator is checked against.
 */
public final class NaiveSdpaTransformer {
  private final ModelConfig c;
  private final Map<String, HostTensor> p;
  private final int dModel;
  private final int heads;
  private final int depth;

  public NaiveSdpaTransformer(ModelConfig config, Map<String, HostTensor> parameters) {
    this.c = config;
    this.p = parameters;
    this.dModel = config.getDModel();
    this.heads = config.getNumHeads();
    this.depth = dModel / heads;
  }

  /** Logits {@code [T][V]} of one row of tokens (no padding). */
  public double[][] logits(long[] tokens) {
    int t = tokens.length;
    double[][] x = new double[t][];
    HostTensor emb = p.get("decoder.embedding.weight");
    for (int i = 0; i < t; i++) {
      x[i] = new double[dModel];
      for (int j = 0; j < dModel; j++) {
        x[i][j] = emb.get((int) tokens[i] * dModel + j) * Math.sqrt(dModel);
      }
      x[i] = layerNorm(x[i], "decoder.layernorm1");
    }
    for (int l = 0; l < c.getNumLayers(); l++) {
      String name = "decoder.dec_layers." + l;
      double[][] q = new double[t][];
      double[][] k = new double[t][];
      double[][] v = new double[t][];
      for (int i = 0; i < t; i++) {
        q[i] = rotate(linear(x[i], name + ".mha1.wq"), i);
        k[i] = rotate(linear(x[i], name + ".mha1.wk"), i);
        v[i] = linear(x[i], name + ".mha1.wv");
      }
      double[][] next = new double[t][];
      for (int i = 0; i < t; i++) {
        double[] merged = new double[dModel];
        for (int h = 0; h < heads; h++) {
          int o = h * depth;
          double[] w = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j <= i; j++) {
            double dot = 0;
            for (int e = 0; e < depth; e++) {
              dot += q[i][o + e] * k[j][o + e];
            }
            w[j] = dot / Math.sqrt(depth);
            max = Math.max(max, w[j]);
          }
          double sum = 0;
          for (int j = 0; j <= i; j++) {
            w[j] = Math.exp(w[j] - max);
            sum += w[j];
          }
          for (int j = 0; j <= i; j++) {
            for (int e = 0; e < depth; e++) {
              merged[o + e] += w[j] / sum * v[j][o + e];
            }
          }
        }
        double[] attn = linear(merged, name + ".mha1.dense");
        double[] h1 = layerNorm(add(x[i], attn), name + ".layernorm1");
        double[] a = linear(h1, name + ".ffn.gluw1");
        double[] b = linear(h1, name + ".ffn.gluw2");
        double[] g = new double[a.length];
        for (int e = 0; e < a.length; e++) {
          g[e] = a[e] / (1 + Math.exp(-a[e])) * b[e];
        }
        next[i] = layerNorm(add(h1, linear(g, name + ".ffn.gluw3")), name + ".layernorm2");
      }
      x = next;
    }
    double[][] out = new double[t][];
    for (int i = 0; i < t; i++) {
      out[i] = linear(x[i], "final_layer");
    }
    return out;
  }

  // pair i of each head, (x[2i], x[2i+1]) interleaved or (x[i], x[i+d/2]) half, turned by
  // position·rope_theta^(−2i/d)
  private double[] rotate(double[] x, int position) {
    boolean half = ModelConfigs.rotaryLayout(c) == RotaryLayout.HALF;
    double base = ModelConfigs.ropeTheta(c);
    double[] y = x.clone();
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < depth / 2; i++) {
        double angle = position * Math.pow(base, -2.0 * i / depth);
        int a = h * depth + (half ? i : 2 * i);
        int b = half ? a + depth / 2 : a + 1;
        y[a] = x[a] * Math.cos(angle) - x[b] * Math.sin(angle);
        y[b] = x[b] * Math.cos(angle) + x[a] * Math.sin(angle);
      }
    }
    return y;
  }

  private double[] linear(double[] x, String name) {
    HostTensor w = p.get(name + ".weight");
    HostTensor b = p.get(name + ".bias");
    int out = (int) w.shape().dim(0);
    int in = (int) w.shape().dim(1);
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double acc = b.get(o);
      for (int i = 0; i < in; i++) {
        acc += w.get(o * in + i) * x[i];
      }
      y[o] = acc;
    }
    return y;
  }

  private double[] layerNorm(double[] x, String name) {
    double mean = 0;
    for (double e : x) {
      mean += e;
    }
    mean /= x.length;
    double var = 0;
    for (double e : x) {
      var += (e - mean) * (e - mean);
    }
    var /= x.length;
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] =
          (x[i] - mean) / Math.sqrt(var + 1e-6) * p.get(name + ".weight").get(i)
              + p.get(name + ".bias").get(i);
    }
    return y;
  }

  private static double[] add(double[] a, double[] b) {
    double[] y = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = a[i] + b[i];
    }
    return y;
  }
}
