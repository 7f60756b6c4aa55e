package io.pldr.tf.checkpoint;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.protobuf.TextFormat;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.io.AtomicFiles;
import io.pldr.tf.io.Safetensors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of a run, one folder each ({@code checkpoints/step-00000100/}) holding {@code
 * model.safetensors}, {@code optimizer.safetensors}, {@code tokenizer.json} and {@code
 * state.textproto} (format, step, data position, configuration, SHA-256 of each file). A checkpoint
 * is written into a hidden temporary folder, every file forced to disk, then the folder is renamed
 * into place: a reader sees a whole checkpoint or none. Only the newest {@code keep} are kept.
 */
public final class CheckpointStore {
  /** The format name written into, and required from, {@code state.textproto}. */
  public static final String FORMAT = "pldr-train-checkpoint";

  /** The folder layout's version. */
  public static final int VERSION = 1;

  /** The model's parameters, by the reference's names. */
  public static final String MODEL_FILE = "model.safetensors";

  /** The optimizer's state. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";

  /** The tokenizer the model was trained with (Hugging Face {@code tokenizer.json}). */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** The tokenizer's file when it is a SentencePiece model. */
  public static final String SENTENCEPIECE_FILE = "tokenizer.model";

  /** Format, step, data position, configuration and checksums. */
  public static final String STATE_FILE = "state.textproto";

  /** The folder of a run's checkpoints inside its run folder. */
  public static final String RUN_SUBFOLDER = "checkpoints";

  private static final String PREFIX = "step-";
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  private final Path root;
  private final int keep;

  /** Checkpoints under {@code root}, keeping the newest {@code keep}. */
  public CheckpointStore(Path root, int keep) {
    this.root = root;
    this.keep = keep;
  }

  /** The folder of the checkpoints. */
  public Path root() {
    return root;
  }

  /**
   * Writes a checkpoint atomically and deletes the oldest beyond the kept number. The state's
   * checksums are filled in here.
   */
  public Path write(
      CheckpointState state,
      Map<String, HostTensor> model,
      Map<String, HostTensor> optimizer,
      Path tokenizer)
      throws IOException {
    Files.createDirectories(root);
    String name = String.format("%s%08d", PREFIX, state.getStep());
    Path tmp = AtomicFiles.createTempDirectory(root, "." + name + ".tmp-");
    try {
      Map<String, String> meta = Map.of("format", FORMAT, "step", Long.toString(state.getStep()));
      // the tensor files' checksums are computed as they are written, not by reading them again
      String modelSha = Safetensors.writeWithSha256(tmp.resolve(MODEL_FILE), model, meta);
      String optimizerSha =
          Safetensors.writeWithSha256(tmp.resolve(OPTIMIZER_FILE), optimizer, meta);
      String tokenizerName = tokenizerName(tokenizer);
      AtomicFiles.write(
          tmp.resolve(tokenizerName),
          out -> {
            try (FileChannel in = FileChannel.open(tokenizer, StandardOpenOption.READ)) {
              in.transferTo(0, in.size(), out);
            }
          });
      CheckpointState.Builder s =
          state.toBuilder().setFormat(FORMAT).setFormatVersion(VERSION).clearSha256();
      s.putSha256(MODEL_FILE, modelSha);
      s.putSha256(OPTIMIZER_FILE, optimizerSha);
      s.putSha256(tokenizerName, sha256(tmp.resolve(tokenizerName)));
      byte[] text = TextFormat.printer().printToString(s.build()).getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(tmp.resolve(STATE_FILE), out -> out.write(ByteBuffer.wrap(text)));
      Path target = root.resolve(name);
      if (Files.exists(target)) {
        deleteTree(target);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDir(root);
      prune();
      return target;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  /**
   * The name a tokenizer file takes in a checkpoint: {@value #SENTENCEPIECE_FILE} for a
   * SentencePiece model ({@code .model}), {@value #TOKENIZER_FILE} otherwise.
   */
  public static String tokenizerName(Path tokenizer) {
    return tokenizer.getFileName().toString().endsWith(".model")
        ? SENTENCEPIECE_FILE
        : TOKENIZER_FILE;
  }

  /** The complete checkpoint folders, oldest first (temporary folders are not among them). */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().matches(PREFIX + "\\d{8}"))
          .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /** The newest checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    List<Path> all = list();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * Opens a checkpoint folder, refusing another format or a newer version. Each file is checked
   * against its recorded SHA-256 when it is read ({@link Checkpoint}).
   */
  public static Checkpoint read(Path dir) throws IOException {
    return new Checkpoint(dir, readState(dir));
  }

  /**
   * Opens a checkpoint folder, or a run folder's newest checkpoint (a folder holding {@code
   * checkpoints/step-…}).
   */
  public static Checkpoint open(Path dir) throws IOException {
    Path runCheckpoints = dir.resolve(RUN_SUBFOLDER);
    if (Files.isDirectory(runCheckpoints)) {
      Path newest =
          new CheckpointStore(runCheckpoints, Integer.MAX_VALUE)
              .latest()
              .orElseThrow(() -> new IOException(dir + ": the run has no checkpoint yet"));
      return read(newest);
    }
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "no such checkpoint or run folder");
    }
    return read(dir);
  }

  /** The SHA-256 (hex) of a file's content. */
  static String sha256(Path file) throws IOException {
    return MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
  }

  /**
   * Reads only the state of a checkpoint folder (step, configuration, ...), refusing another format
   * or a newer version; the tensors are neither read nor checked.
   */
  public static CheckpointState readState(Path dir) throws IOException {
    Path stateFile = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(stateFile)) {
      throw new IOException(dir + ": not a pldr checkpoint (no " + STATE_FILE + ")");
    }
    CheckpointState.Builder b = CheckpointState.newBuilder();
    try {
      TextFormat.getParser().merge(Files.readString(stateFile, StandardCharsets.UTF_8), b);
    } catch (TextFormat.ParseException e) {
      throw new IOException(stateFile + ": unreadable: " + e.getMessage(), e);
    }
    CheckpointState state = b.build();
    if (!FORMAT.equals(state.getFormat())) {
      throw new IOException(
          stateFile + ": format '" + state.getFormat() + "', expected '" + FORMAT + "'");
    }
    if (state.getFormatVersion() > VERSION) {
      throw new IOException(
          stateFile
              + ": format version "
              + state.getFormatVersion()
              + " is newer than this pldr reads ("
              + VERSION
              + ")");
    }
    return state;
  }

  private void prune() throws IOException {
    List<Path> all = new ArrayList<>(list());
    while (all.size() > keep) {
      Path old = all.remove(0);
      deleteTree(old);
      LOG.debug("deleted old checkpoint {}", old);
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")).toList()) {
        deleteTree(p);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  private static void syncDir(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException ignored) {
      // Not every file system syncs a folder; the rename itself is atomic.
    }
  }
}
