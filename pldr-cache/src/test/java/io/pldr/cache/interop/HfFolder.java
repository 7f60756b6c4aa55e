package io.pldr.cache.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.tensor.HostTensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes Hugging Face model folders of the PLDR-LLM port for tests, as the port's {@code
 * save_pretrained} lays them out: {@code config.json} with the port's field names, safetensors
 * files written here byte by byte (independently of pldr's own writer) in F32, BF16 or F16, and the
 * 256-piece SentencePiece test tokenizer.
 */
final class HfFolder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfFolder() {}

  /** The port's {@code config.json} for the reference fixture's shape. */
  static ObjectNode fixtureConfig() {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("architectures").add("PldrllmForCausalLM");
    n.put("model_type", "pldrllm");
    n.put("vocab_size", 256);
    n.put("hidden_size", 64);
    n.put("intermediate_size", 170);
    n.put("num_hidden_layers", 2);
    n.put("num_attention_heads", 4);
    n.put("head_dim", 16);
    n.put("max_position_embeddings", 48);
    n.put("A_dff", 17);
    n.put("num_reslayerA", 2);
    n.put("num_denseA", 2);
    n.put("pad_token_id", 0);
    n.put("bos_token_id", 2);
    n.put("eos_token_id", 3);
    n.put("hidden_act", "silu");
    n.put("layer_norm_eps", 1e-6);
    n.put("rope_theta", 10000.0);
    n.putNull("rope_scaling");
    n.put("attention_bias", true);
    n.put("glu_bias", true);
    n.put("final_bias", true);
    n.put("attention_dropout", 0.0);
    n.put("tie_word_embeddings", false);
    n.put("reference_rope", true);
    n.putNull("custom_G_type");
    n.put("cache_first_G", false);
    n.put("initializer_range", 0.02);
    n.put("use_cache", true);
    n.put("torch_dtype", "float32");
    n.put("transformers_version", "4.56.0.dev0");
    return n;
  }

  /** Writes {@code config} as {@code dir/config.json} and copies the test tokenizer beside it. */
  static void writeConfigAndTokenizer(Path dir, ObjectNode config) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config),
        StandardCharsets.UTF_8);
    try (InputStream in = HfFolder.class.getResourceAsStream("/hf/tokenizer.model")) {
      Files.copy(in, dir.resolve("tokenizer.model"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Writes tensors as a safetensors file in {@code dtype} (F32, BF16 or F16; BOOL for tensors whose
   * name ends in {@code _status}) with metadata {@code {"format": "pt"}}.
   */
  static void writeSafetensors(Path file, Map<String, HostTensor> tensors, String dtype)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    Map<String, String> types = new LinkedHashMap<>();
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      String t = e.getKey().endsWith("_status") ? "BOOL" : dtype;
      types.put(e.getKey(), t);
      ObjectNode n = header.putObject(e.getKey());
      n.put("dtype", t);
      var shape = n.putArray("shape");
      for (long d : e.getValue().shape().dims()) {
        shape.add(d);
      }
      long bytes = (long) e.getValue().size() * width(t);
      n.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
      for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
        String t = types.get(e.getKey());
        HostTensor v = e.getValue();
        ByteBuffer b = ByteBuffer.allocate(v.size() * width(t)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.size(); i++) {
          float f = (float) v.get(i);
          switch (t) {
            case "F32" -> b.putFloat(f);
            case "BF16" -> b.putShort(toBf16(f));
            case "F16" -> b.putShort(toF16(f));
            case "BOOL" -> b.put((byte) (f != 0 ? 1 : 0));
            default -> throw new IllegalArgumentException(t);
          }
        }
        out.write(b.array());
      }
    }
  }

  private static int width(String dtype) {
    return switch (dtype) {
      case "F32" -> 4;
      case "BF16", "F16" -> 2;
      case "BOOL" -> 1;
      default -> throw new IllegalArgumentException(dtype);
    };
  }

  /** float32 to bfloat16, rounding to nearest even (as torch's {@code .to(torch.bfloat16)}). */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** bfloat16 back to float32. */
  static float fromBf16(short s) {
    return Float.intBitsToFloat((s & 0xffff) << 16);
  }

  /** float32 to IEEE binary16, rounding to nearest (Java 17 has no Float.floatToFloat16). */
  static short toF16(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (f == 0) {
      return (short) sign;
    }
    if (exp <= 0) { // a subnormal half: multiples of 2^-24
      return (short) (sign | Math.round(Math.abs(f) * 0x1p24f));
    }
    if (exp >= 31) {
      throw new IllegalArgumentException("beyond the half range: " + f);
    }
    int half = sign | (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) half;
  }

  /** IEEE binary16 back to float32 (finite numbers). */
  static float fromF16(short s) {
    int h = s & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
