package io.pldr.train.data;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import com.google.common.io.ByteStreams;
import com.google.common.io.MoreFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * SHA-256 fingerprints (Guava's hashing) of what decides a cached result: a sequence of parts, each
 * string followed by a 0 byte so that parts cannot run into each other; or a file's content.
 */
public final class Fingerprint {
  private final Hasher hasher = Hashing.sha256().newHasher();

  /** Adds a string part. */
  public Fingerprint add(String part) {
    hasher.putString(part, StandardCharsets.UTF_8).putByte((byte) 0);
    return this;
  }

  /** Adds everything a stream holds. */
  public Fingerprint add(InputStream in) throws IOException {
    ByteStreams.copy(in, com.google.common.hash.Funnels.asOutputStream(hasher));
    return this;
  }

  /** The fingerprint, 64 hex digits. */
  public String hex() {
    return hasher.hash().toString();
  }

  /** The fingerprint of {@code parts}. */
  public static String of(String... parts) {
    Fingerprint f = new Fingerprint();
    for (String p : parts) {
      f.add(p);
    }
    return f.hex();
  }

  /** The SHA-256 (hex) of a file's content. */
  public static String ofFile(Path file) throws IOException {
    return MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
  }
}
