package io.pldr.tf.checkpoint;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import io.pldr.api.tensor.HostTensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which trained model a file (a G-cache) came from: the SHA-256 of the model's weights, {@code
 * sha256:<hex>}. For a pldr checkpoint it is the SHA-256 of its {@code model.safetensors} that the
 * checkpoint's state already records (read from the file for a checkpoint that records none); for a
 * Hugging Face folder the SHA-256 of its {@code model.safetensors} (of a sharded model: of its
 * shards' names and SHA-256s); for any other folder the SHA-256 of its parameters' names, shapes
 * and float32 values. Two models of the same shape with other weights have other fingerprints.
 */
public final class ModelFingerprint {
  /** The prefix of every fingerprint. */
  public static final String PREFIX = "sha256:";

  private ModelFingerprint() {}

  /** The fingerprint of the model in {@code folder}. */
  public static String of(ModelFolder folder) throws IOException {
    if (folder instanceof Checkpoint c) {
      String recorded = c.state().getSha256Map().get(CheckpointStore.MODEL_FILE);
      return PREFIX
          + (recorded != null ? recorded : file(c.dir().resolve(CheckpointStore.MODEL_FILE)));
    }
    if (folder instanceof HfCheckpoint hf) {
      if (hf.weightFiles().size() == 1) {
        return PREFIX + file(hf.weightFiles().iterator().next());
      }
      Hasher sha = Hashing.sha256().newHasher();
      for (Path shard : hf.weightFiles()) {
        sha.putString(shard.getFileName() + " " + file(shard) + "\n", StandardCharsets.UTF_8);
      }
      return PREFIX + sha.hash();
    }
    return PREFIX + parameters(folder.model());
  }

  /** The SHA-256 (hex) of a file's bytes. */
  public static String file(Path file) throws IOException {
    return CheckpointStore.sha256(file);
  }

  /** The SHA-256 (hex) of parameters' names, shapes and float32 values, in name order. */
  static String parameters(Map<String, HostTensor> parameters) {
    Hasher sha = Hashing.sha256().newHasher();
    float[] chunk = new float[1 << 14];
    java.nio.ByteBuffer bytes =
        java.nio.ByteBuffer.allocate(chunk.length * Float.BYTES)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, HostTensor> e : new TreeMap<>(parameters).entrySet()) {
      HostTensor t = e.getValue();
      sha.putString(e.getKey() + " " + t.shape() + "\n", StandardCharsets.UTF_8);
      for (int start = 0; start < t.size(); start += chunk.length) {
        int n = Math.min(chunk.length, t.size() - start);
        t.copyTo(start, chunk, 0, n);
        bytes.clear();
        bytes.asFloatBuffer().put(chunk, 0, n);
        bytes.limit(n * Float.BYTES);
        sha.putBytes(bytes);
      }
    }
    return sha.hash().toString();
  }
}
