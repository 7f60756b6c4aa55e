package io.pldr.cache.text;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.pldr.api.text.SpecialTokens;
import io.pldr.api.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A SentencePiece model ({@code tokenizer.model}, the paper's tokenizer: a unigram model with byte
 * fallback and the pieces {@code [PAD]}, {@code [UNK]}, {@code [START]}, {@code [END]}), encoded by
 * SentencePiece's own C++ library through DJL, so ids are those of {@code spm_encode}. No
 * beginning- or end-of-text id is added. Holds native memory: close it.
 *
 * <p>The model file's header is read with protobuf-java's wire-format parser (the fields of
 * SentencePiece's {@code ModelProto} this class needs: the pieces and their types, the special ids,
 * whether a space is prefixed), which gives the vocabulary size and the special ids that DJL's
 * binding does not expose. Decoding is done here from those pieces: DJL 0.34's {@code decode} hands
 * SentencePiece's UTF-8 to the JVM as modified UTF-8, which mangles characters outside the Basic
 * Multilingual Plane (an emoji decoded from byte pieces) and what follows them.
 */
public final class SentencePieceTokenizer implements Tokenizer {
  // ModelProto fields
  private static final int PIECES = 1;
  private static final int TRAINER_SPEC = 2;
  private static final int NORMALIZER_SPEC = 3;
  // ModelProto.SentencePiece fields and types
  private static final int PIECE = 1;
  private static final int TYPE = 3;
  private static final int NORMAL = 1;
  private static final int UNKNOWN = 2;
  private static final int CONTROL = 3;
  private static final int BYTE = 6;
  // TrainerSpec fields (proto2 defaults: unk 0, bos 1, eos 2, pad -1)
  private static final int UNK_ID = 40;
  private static final int BOS_ID = 41;
  private static final int EOS_ID = 42;
  private static final int PAD_ID = 43;
  // NormalizerSpec field (default true)
  private static final int ADD_DUMMY_PREFIX = 3;

  private static final String WORD_START = "\u2581";

  private final Path file;
  private final SpTokenizer native_;
  private final SpProcessor processor;
  private final List<String> pieces;
  private final int[] types;
  private final SpecialTokens specialTokens;
  private final boolean dummyPrefix;

  private SentencePieceTokenizer(
      Path file,
      SpTokenizer nativeTokenizer,
      List<String> pieces,
      int[] types,
      SpecialTokens specialTokens,
      boolean dummyPrefix) {
    this.file = file;
    this.native_ = nativeTokenizer;
    this.processor = nativeTokenizer.getProcessor();
    this.pieces = pieces;
    this.types = types;
    this.specialTokens = specialTokens;
    this.dummyPrefix = dummyPrefix;
  }

  /**
   * Loads a SentencePiece model file; a file that is not one, or one without a padding piece, fails
   * naming the file.
   */
  public static SentencePieceTokenizer load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no SentencePiece model");
    }
    byte[] bytes = Files.readAllBytes(file);
    UnknownFieldSet model;
    try {
      model = UnknownFieldSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw notAModel(file, "it does not parse as a protocol buffer (" + e.getMessage() + ")");
    }
    List<ByteString> encoded = lengthDelimited(model, PIECES);
    if (encoded.isEmpty() || !model.hasField(TRAINER_SPEC)) {
      throw notAModel(file, "it has no pieces or no trainer settings");
    }
    String[] pieces = new String[encoded.size()];
    int[] types = new int[encoded.size()];
    for (int i = 0; i < pieces.length; i++) {
      UnknownFieldSet piece;
      try {
        piece = UnknownFieldSet.parseFrom(encoded.get(i));
      } catch (InvalidProtocolBufferException e) {
        throw notAModel(file, "piece " + i + " does not parse");
      }
      List<ByteString> text = lengthDelimited(piece, PIECE);
      if (text.isEmpty()) {
        throw notAModel(file, "piece " + i + " has no text");
      }
      pieces[i] = text.get(0).toStringUtf8();
      types[i] = (int) varint(piece, TYPE, NORMAL);
    }
    UnknownFieldSet trainer = message(file, model, TRAINER_SPEC);
    int unk = (int) varint(trainer, UNK_ID, 0);
    int bos = (int) varint(trainer, BOS_ID, 1);
    int eos = (int) varint(trainer, EOS_ID, 2);
    int pad = (int) varint(trainer, PAD_ID, -1);
    for (int id : new int[] {unk, bos, eos, pad}) {
      if (id < 0 || id >= pieces.length) {
        throw new IllegalArgumentException(
            file
                + ": the SentencePiece model has no "
                + (id == pad ? "padding" : "special")
                + " piece (id "
                + id
                + " of "
                + pieces.length
                + "); pldr needs pad, unk, bos and eos pieces");
      }
    }
    boolean dummyPrefix =
        !model.hasField(NORMALIZER_SPEC)
            || varint(message(file, model, NORMALIZER_SPEC), ADD_DUMMY_PREFIX, 1) != 0;
    SpTokenizer nativeTokenizer = new SpTokenizer(bytes);
    return new SentencePieceTokenizer(
        file,
        nativeTokenizer,
        List.of(pieces),
        types,
        new SpecialTokens(pad, unk, bos, eos),
        dummyPrefix);
  }

  /** The model file. */
  public Path file() {
    return file;
  }

  @Override
  public int vocabSize() {
    return pieces.size();
  }

  @Override
  public SpecialTokens specialTokens() {
    return specialTokens;
  }

  @Override
  public int[] encode(String text) {
    return processor.encode(text);
  }

  /** The piece of an id, as the model file holds it. */
  public String piece(int id) {
    return pieces.get(checked(id));
  }

  /**
   * The text of {@code ids}, as {@code spm_decode} gives it: byte pieces joined into UTF-8, the
   * word-start mark a space, the unknown piece " ⁇ ", control pieces (padding, beginning and end of
   * text) left out.
   */
  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int id : ids) {
      int type = types[checked(id)];
      String piece = pieces.get(id);
      if (type == CONTROL) {
        continue;
      } else if (type == BYTE) {
        bytes.write(Integer.parseInt(piece.substring(3, 5), 16));
      } else {
        String text = type == UNKNOWN ? " \u2047 " : piece.replace(WORD_START, " ");
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    return dummyPrefix && text.startsWith(" ") ? text.substring(1) : text;
  }

  private int checked(int id) {
    if (id < 0 || id >= pieces.size()) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside [0, " + pieces.size() + ") of " + file);
    }
    return id;
  }

  @Override
  public void close() {
    native_.close();
  }

  private static List<ByteString> lengthDelimited(UnknownFieldSet set, int field) {
    return set.hasField(field) ? set.getField(field).getLengthDelimitedList() : List.of();
  }

  private static long varint(UnknownFieldSet set, int field, long fallback) {
    if (!set.hasField(field) || set.getField(field).getVarintList().isEmpty()) {
      return fallback;
    }
    List<Long> values = set.getField(field).getVarintList();
    return (int) (long) values.get(values.size() - 1);
  }

  private static UnknownFieldSet message(Path file, UnknownFieldSet set, int field)
      throws IOException {
    try {
      return UnknownFieldSet.parseFrom(set.getField(field).getLengthDelimitedList().get(0));
    } catch (InvalidProtocolBufferException e) {
      throw notAModel(file, "field " + field + " does not parse");
    }
  }

  private static IOException notAModel(Path file, String why) {
    return new IOException(file + ": not a SentencePiece model: " + why);
  }
}
