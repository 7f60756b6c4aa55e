package io.pldr.cache;

import io.pldr.api.config.Precision;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.attention.PowerLawGraphAttentionProvider;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.file.Path;

/** The reference fixture's model loaded into a {@link CachedDecoder}, for the cache tests. */
public record FixtureDecoder(
    ReferenceFixture fixture, ReferenceCheckpoint checkpoint, CachedDecoder decoder)
    implements AutoCloseable {
  /** Extracts the fixture into {@code dir} and loads its learned v510 model. */
  public static FixtureDecoder open(Path dir, Precision precision) throws IOException {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    ReferenceCheckpoint ckpt = ReferenceCheckpoint.read(f.checkpointDir(), precision);
    CachedDecoder decoder =
        new CachedDecoder(
            new ModelSpec(
                ckpt.config(), new LearnedPlgaProvider(), new PowerLawGraphAttentionProvider()));
    decoder.load(ckpt.tensors());
    return new FixtureDecoder(f, ckpt, decoder);
  }

  /** Row 0 of the fixture's input tokens. */
  public long[] row0() {
    return fixture.tokens()[0];
  }

  @Override
  public void close() {
    decoder.close();
  }
}
