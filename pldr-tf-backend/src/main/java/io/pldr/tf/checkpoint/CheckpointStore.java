package io.pldr.tf.checkpoint;

import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import com.google.protobuf.TextFormat;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of a run, one folder each ({@code checkpoints/step-00000100/}) holding {@code
 * model.safetensors}, {@code optimizer.safetensors}, {@code tokenizer.json}, {@code
 * state.textproto} (format, step, data position, configuration, run identity, SHA-256 of each other
 * file) and {@code state.textproto.sha256} (the SHA-256 of {@code state.textproto}, in {@code
 * sha256sum} format). A checkpoint is written into a hidden temporary folder, every file forced to
 * disk, then the folder is renamed into place: a reader sees a whole checkpoint or none.
 *
 * <p>A store belongs to one run ({@link #runId()}): it writes that identity into every checkpoint,
 * keeps only the newest {@code keep} checkpoints of that run, and never deletes or replaces a
 * checkpoint of another run. Old checkpoints are deleted {@code state.textproto} first, so that a
 * deletion cut short leaves a folder that is no checkpoint ({@link #cleanUp} removes it).
 */
public final class CheckpointStore {
  /** The format name written into, and required from, {@code state.textproto}. */
  public static final String FORMAT = "pldr-train-checkpoint";

  /**
   * The folder layout's version: 2 adds {@value #STATE_SUM_FILE} and the run identity. Version 1
   * checkpoints (without them) are still read.
   */
  public static final int VERSION = 2;

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

  /** The SHA-256 of {@value #STATE_FILE} ({@code sha256sum} format), from version 2 on. */
  public static final String STATE_SUM_FILE = "state.textproto.sha256";

  /** The folder of a run's checkpoints inside its run folder. */
  public static final String RUN_SUBFOLDER = "checkpoints";

  private static final String PREFIX = "step-";
  private static final Pattern STEP_FOLDER = Pattern.compile("step-(\\d{8})");
  private static final Pattern TEMP_FOLDER = Pattern.compile("\\.step-\\d{8}\\.tmp-.*");
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

  /** The stages of writing a checkpoint, at which a test may inject a failure. */
  enum Stage {
    MODEL_WRITTEN,
    OPTIMIZER_WRITTEN,
    TOKENIZER_WRITTEN,
    STATE_WRITTEN,
    BEFORE_RENAME,
    AFTER_RENAME,
    /** While deleting an old checkpoint: its state is gone, its tensor files not yet. */
    PRUNING
  }

  /** Called at each stage of a write with the folder concerned; a test's failure injection. */
  @FunctionalInterface
  interface Hook {
    Hook NONE = (stage, folder) -> {};

    void at(Stage stage, Path folder) throws IOException;
  }

  private final Path root;
  private final int keep;
  private final String runId;
  private final Set<String> own;
  private final Hook hook;

  /**
   * Checkpoints under {@code root} of a new run (a fresh identity), keeping the newest {@code
   * keep}.
   */
  public CheckpointStore(Path root, int keep) {
    this(root, keep, newRunId());
  }

  /** Checkpoints under {@code root} of the run {@code runId}, keeping its newest {@code keep}. */
  public CheckpointStore(Path root, int keep, String runId) {
    this(root, keep, runId, Set.of(runId), Hook.NONE);
  }

  CheckpointStore(Path root, int keep, String runId, Hook hook) {
    this(root, keep, runId, Set.of(runId), hook);
  }

  private CheckpointStore(Path root, int keep, String runId, Set<String> own, Hook hook) {
    if (runId.isEmpty()) {
      throw new IllegalArgumentException("a run identity must not be empty");
    }
    this.root = root;
    this.keep = keep;
    this.runId = runId;
    this.own = Set.copyOf(own);
    this.hook = hook;
  }

  /** A fresh run identity. */
  public static String newRunId() {
    return UUID.randomUUID().toString();
  }

  /**
   * This store, also taking the checkpoints of {@code otherRunId} for its run's own (to prune or
   * replace them); {@code ""} stands for version-1 checkpoints, which record no identity.
   */
  public CheckpointStore adopting(String otherRunId) {
    Set<String> ids = new HashSet<>(own);
    ids.add(otherRunId);
    return new CheckpointStore(root, keep, runId, ids, hook);
  }

  /** The folder of the checkpoints. */
  public Path root() {
    return root;
  }

  /** The identity of the run this store writes. */
  public String runId() {
    return runId;
  }

  /** The name of the folder of the checkpoint at {@code step}: {@code step-00000100}. */
  public static String folderName(long step) {
    return String.format("%s%08d", PREFIX, step);
  }

  /**
   * Writes a checkpoint atomically and deletes this run's oldest beyond the kept number. The
   * state's format, run identity and checksums are filled in here. A folder of the same step that
   * holds another run's checkpoint is never replaced (an {@link IOException} names it); one whose
   * state cannot be read is moved aside ({@code step-….damaged-…}), not deleted.
   */
  public Path write(
      CheckpointState state,
      Map<String, HostTensor> model,
      Map<String, HostTensor> optimizer,
      Path tokenizer)
      throws IOException {
    Files.createDirectories(root);
    String name = folderName(state.getStep());
    Path target = root.resolve(name);
    if (Files.exists(target)) {
      checkReplaceable(target);
    }
    try {
      return writeInto(target, name, state, model, optimizer, tokenizer);
    } catch (IOException e) {
      // a full disk names the checkpoint, not only the system's reason
      throw IoErrors.wrapped("write the checkpoint of step " + state.getStep() + " into", root, e);
    }
  }

  private Path writeInto(
      Path target,
      String name,
      CheckpointState state,
      Map<String, HostTensor> model,
      Map<String, HostTensor> optimizer,
      Path tokenizer)
      throws IOException {
    Path tmp = AtomicFiles.createTempDirectory(root, "." + name + ".tmp-");
    try {
      Map<String, String> meta = Map.of("format", FORMAT, "step", Long.toString(state.getStep()));
      // the tensor files' checksums are computed as they are written, not by reading them again
      String modelSha = Safetensors.writeWithSha256(tmp.resolve(MODEL_FILE), model, meta);
      hook.at(Stage.MODEL_WRITTEN, tmp);
      String optimizerSha =
          Safetensors.writeWithSha256(tmp.resolve(OPTIMIZER_FILE), optimizer, meta);
      hook.at(Stage.OPTIMIZER_WRITTEN, tmp);
      String tokenizerName = tokenizerName(tokenizer);
      AtomicFiles.write(
          tmp.resolve(tokenizerName),
          out -> {
            try (FileChannel in = FileChannel.open(tokenizer, StandardOpenOption.READ)) {
              in.transferTo(0, in.size(), out);
            }
          });
      hook.at(Stage.TOKENIZER_WRITTEN, tmp);
      CheckpointState.Builder s =
          state.toBuilder()
              .setFormat(FORMAT)
              .setFormatVersion(VERSION)
              .setRunId(runId)
              .clearSha256();
      s.putSha256(MODEL_FILE, modelSha);
      s.putSha256(OPTIMIZER_FILE, optimizerSha);
      s.putSha256(tokenizerName, sha256(tmp.resolve(tokenizerName)));
      byte[] text = TextFormat.printer().printToString(s.build()).getBytes(StandardCharsets.UTF_8);
      AtomicFiles.write(tmp.resolve(STATE_FILE), out -> writeAll(out, text));
      byte[] sum =
          (HexFormat.of().formatHex(Hashing.sha256().hashBytes(text).asBytes())
                  + "  "
                  + STATE_FILE
                  + "\n")
              .getBytes(StandardCharsets.US_ASCII);
      AtomicFiles.write(tmp.resolve(STATE_SUM_FILE), out -> writeAll(out, sum));
      hook.at(Stage.STATE_WRITTEN, tmp);
      if (Files.exists(target)) {
        makeRoom(target);
      }
      hook.at(Stage.BEFORE_RENAME, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      syncDir(root);
      hook.at(Stage.AFTER_RENAME, target);
      prune();
      return target;
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  private static void writeAll(FileChannel out, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      out.write(b);
    }
  }

  /** Refuses to replace {@code target} when it is another run's checkpoint. */
  private void checkReplaceable(Path target) throws IOException {
    CheckpointState existing;
    try {
      existing = readState(target);
    } catch (IOException unreadable) {
      return; // moved aside by makeRoom
    }
    if (!own.contains(existing.getRunId())) {
      throw new IOException(
          target
              + " holds a checkpoint of another run"
              + (existing.getRunId().isEmpty() ? "" : " (run " + existing.getRunId() + ")")
              + ": refusing to replace it; write into another folder");
    }
  }

  /** Deletes this run's checkpoint {@code target}, or moves an unreadable one aside. */
  private void makeRoom(Path target) throws IOException {
    checkReplaceable(target);
    boolean readable;
    try {
      readState(target);
      readable = true;
    } catch (IOException e) {
      readable = false;
    }
    if (readable) {
      deleteCheckpoint(target);
    } else {
      Path aside =
          target.resolveSibling(target.getFileName() + ".damaged-" + Instant.now().toEpochMilli());
      Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
      LOG.warn("moved the damaged checkpoint folder {} aside to {}", target, aside);
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

  /**
   * The checkpoint folders (named {@code step-} and eight digits, holding a {@value #STATE_FILE}),
   * oldest first, of any run; temporary folders are not among them. Whether each is whole is
   * checked when it is read.
   */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> STEP_FOLDER.matcher(p.getFileName().toString()).matches())
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
   * Removes what an interrupted write or deletion left: temporary folders ({@code .step-….tmp-…})
   * and checkpoint folders without a {@value #STATE_FILE} (a deletion cut short). Each is logged.
   * Call it only while holding the run's lock ({@link RunLock}), since another process's write in
   * progress looks the same. Returns what was removed.
   */
  public List<Path> cleanUp() throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    List<Path> removed = new ArrayList<>();
    try (Stream<Path> s = Files.list(root)) {
      for (Path p : s.sorted().toList()) {
        String n = p.getFileName().toString();
        if (TEMP_FOLDER.matcher(n).matches() && Files.isDirectory(p)) {
          deleteTree(p);
          LOG.info("removed {}, left by a checkpoint write that did not finish", p);
          removed.add(p);
        } else if (STEP_FOLDER.matcher(n).matches()
            && Files.isDirectory(p)
            && !Files.exists(p.resolve(STATE_FILE))) {
          deleteTree(p);
          LOG.info(
              "removed {}, a checkpoint whose deletion did not finish (it has no {})",
              p,
              STATE_FILE);
          removed.add(p);
        }
      }
    }
    return removed;
  }

  /**
   * Opens a checkpoint folder, refusing another format, a newer version, a damaged state, a step
   * other than the folder's name, a file without a recorded checksum or a recorded file that is
   * missing. Each file's content is checked against its SHA-256 when it is read ({@link
   * Checkpoint}).
   */
  public static Checkpoint read(Path dir) throws IOException {
    CheckpointState state = readState(dir);
    checkFiles(dir, state);
    return new Checkpoint(dir, state);
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
  public static String sha256(Path file) throws IOException {
    return MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString();
  }

  /**
   * Reads only the state of a checkpoint folder (step, configuration, ...), refusing another
   * format, a newer version, a state that does not match its recorded SHA-256 (version 2 on) and a
   * step other than the folder's name; the other files are neither read nor checked.
   */
  public static CheckpointState readState(Path dir) throws IOException {
    Path stateFile = dir.resolve(STATE_FILE);
    if (!Files.isRegularFile(stateFile)) {
      throw new IOException(dir + ": not a pldr checkpoint (no " + STATE_FILE + ")");
    }
    byte[] bytes = Files.readAllBytes(stateFile);
    CheckpointState.Builder b = CheckpointState.newBuilder();
    try {
      TextFormat.getParser().merge(StrictText.decode(bytes, stateFile.toString()), b);
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
    if (state.getFormatVersion() >= 2) {
      checkStateSum(dir, bytes);
    }
    var m = STEP_FOLDER.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
    if (m.matches() && Long.parseLong(m.group(1)) != state.getStep()) {
      throw new IOException(
          stateFile
              + ": step "
              + state.getStep()
              + " does not match the folder's name "
              + dir.getFileName());
    }
    return state;
  }

  private static void checkStateSum(Path dir, byte[] state) throws IOException {
    Path sumFile = dir.resolve(STATE_SUM_FILE);
    if (!Files.isRegularFile(sumFile)) {
      throw new NoSuchFileException(
          sumFile.toString(), null, "the checkpoint has no checksum of its " + STATE_FILE);
    }
    String line = Files.readString(sumFile, StandardCharsets.US_ASCII).strip();
    String recorded = line.split("\\s+", 2)[0];
    String actual = HexFormat.of().formatHex(Hashing.sha256().hashBytes(state).asBytes());
    if (!actual.equalsIgnoreCase(recorded)) {
      throw new IOException(
          dir.resolve(STATE_FILE)
              + ": checksum mismatch (the file changed or is damaged): SHA-256 "
              + actual
              + ", recorded in "
              + STATE_SUM_FILE
              + " "
              + recorded);
    }
  }

  /** Every file has a recorded checksum, and every recorded file is there. */
  private static void checkFiles(Path dir, CheckpointState state) throws IOException {
    Map<String, String> recorded = state.getSha256Map();
    for (String name : recorded.keySet()) {
      if (!Files.isRegularFile(dir.resolve(name))) {
        throw new NoSuchFileException(
            dir.resolve(name).toString(),
            null,
            "the checkpoint records a checksum for " + name + " but the file is missing");
      }
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.equals(STATE_FILE) || name.equals(STATE_SUM_FILE)) {
          continue;
        }
        if (!recorded.containsKey(name)) {
          throw new IOException(
              p
                  + ": not part of the checkpoint ("
                  + STATE_FILE
                  + " records no checksum for it); a checkpoint folder holds only its own files");
        }
      }
    }
  }

  private void prune() throws IOException {
    List<Path> mine = new ArrayList<>();
    for (Path p : list()) {
      try {
        if (own.contains(readState(p).getRunId())) {
          mine.add(p);
        }
      } catch (IOException unreadable) {
        // not provably this run's: left alone
      }
    }
    while (mine.size() > keep) {
      Path old = mine.remove(0);
      deleteCheckpoint(old);
      LOG.debug("deleted old checkpoint {}", old);
    }
    try (Stream<Path> s = Files.list(root)) {
      for (Path p :
          s.filter(p -> TEMP_FOLDER.matcher(p.getFileName().toString()).matches()).toList()) {
        deleteTree(p);
      }
    }
  }

  /** Deletes a checkpoint folder, its state first: cut short, it is no checkpoint any more. */
  private void deleteCheckpoint(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(STATE_FILE));
    syncDir(dir);
    hook.at(Stage.PRUNING, dir);
    deleteTree(dir);
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
