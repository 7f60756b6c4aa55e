package io.pldr.train.tokenizer;

import io.pldr.api.config.TokenizerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a byte-level BPE tokenizer (GPT-2 style) on documents. The documents are split into words
 * by the GPT-2 expression and the distinct words are counted; merges are then learned on the word
 * types, each time the most frequent adjacent pair (ties: the smaller left id, then the smaller
 * right id), with pair counts updated only for the words holding the merged pair. Stops at {@code
 * vocabSize} tokens or when the best pair is seen fewer than {@code minFrequency} times. The result
 * is the same for the same documents, whatever their order.
 */
public final class BpeTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(BpeTrainer.class);

  /** Vocabulary size used when a configuration leaves it unset. */
  public static final int DEFAULT_VOCAB_SIZE = 4096;

  /** Minimum pair frequency used when a configuration leaves it unset. */
  public static final int DEFAULT_MIN_FREQUENCY = 2;

  private final int vocabSize;
  private final int minFrequency;

  /**
   * A trainer for a vocabulary of {@code vocabSize} tokens (special tokens and the 256 bytes
   * included, so at least 260) merging only pairs seen at least {@code minFrequency} times.
   */
  public BpeTrainer(int vocabSize, int minFrequency) {
    if (vocabSize < BpeModel.BASE_VOCAB_SIZE) {
      throw new IllegalArgumentException(
          "vocab_size "
              + vocabSize
              + " is below "
              + BpeModel.BASE_VOCAB_SIZE
              + " (4 special tokens and 256 bytes)");
    }
    if (minFrequency < 1) {
      throw new IllegalArgumentException("min_frequency must be at least 1, not " + minFrequency);
    }
    this.vocabSize = vocabSize;
    this.minFrequency = minFrequency;
  }

  /**
   * A trainer from a configuration; an unset {@code vocab_size} is {@code defaultVocabSize} (e.g.
   * the model's), an unset {@code min_frequency} is 2.
   */
  public static BpeTrainer fromConfig(TokenizerConfig config, int defaultVocabSize) {
    int vocab =
        config.getVocabSize() != 0
            ? config.getVocabSize()
            : defaultVocabSize != 0 ? defaultVocabSize : DEFAULT_VOCAB_SIZE;
    int minFreq = config.getMinFrequency() != 0 ? config.getMinFrequency() : DEFAULT_MIN_FREQUENCY;
    return new BpeTrainer(vocab, minFreq);
  }

  /** The requested vocabulary size. */
  public int vocabSize() {
    return vocabSize;
  }

  /** The minimum frequency of a merged pair. */
  public int minFrequency() {
    return minFrequency;
  }

  /** Trains on the documents of a stream (which is not closed). */
  public BpeModel train(Stream<String> documents) {
    return train((Iterable<String>) documents::iterator);
  }

  /** Trains on {@code documents}, iterated once. */
  public BpeModel train(Iterable<String> documents) {
    long start = System.nanoTime();
    Map<String, long[]> wordCounts = new HashMap<>();
    long docs = 0;
    for (String doc : documents) {
      ByteLevel.split(doc, w -> wordCounts.computeIfAbsent(w, k -> new long[1])[0]++);
      docs++;
    }
    List<String> words = new ArrayList<>(wordCounts.keySet());
    Collections.sort(words);
    int[][] symbols = new int[words.size()][];
    long[] freq = new long[words.size()];
    for (int w = 0; w < words.size(); w++) {
      byte[] bytes = ByteLevel.utf8(words.get(w));
      int[] ids = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        ids[i] = BpeModel.FIRST_BYTE_ID + (bytes[i] & 0xff);
      }
      symbols[w] = ids;
      freq[w] = wordCounts.get(words.get(w))[0];
    }
    long counted = System.nanoTime();
    Merger merger = new Merger(symbols, freq);
    BpeModel model = merger.run();
    long done = System.nanoTime();
    LOG.info(
        "BPE: {} documents, {} distinct words; {} merges, vocabulary {} in {} ms"
            + " (counting {} ms)",
        docs,
        words.size(),
        model.merges().size(),
        model.vocabSize(),
        (done - start) / 1_000_000,
        (counted - start) / 1_000_000);
    if (model.vocabSize() < vocabSize) {
      LOG.warn(
          "BPE: vocabulary {} is smaller than the requested {}: no pair left seen at least"
              + " {} times",
          model.vocabSize(),
          vocabSize,
          minFrequency);
    }
    return model;
  }

  /** A pair and its count when it was queued; stale entries are re-queued with the new count. */
  private record Candidate(long count, long pair) {}

  /** A growable list of word indices. */
  private static final class IntList {
    int[] items = new int[4];
    int size;

    void addIfNotLast(int v) {
      if (size > 0 && items[size - 1] == v) {
        return;
      }
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = v;
    }
  }

  /** The merge loop over word types. */
  private final class Merger {
    private final int[][] symbols;
    private final long[] freq;
    private final Map<Long, long[]> pairCounts = new HashMap<>();
    private final Map<Long, IntList> wordsWithPair = new HashMap<>();
    private final PriorityQueue<Candidate> queue =
        new PriorityQueue<>(
            (x, y) -> {
              int c = Long.compare(y.count(), x.count());
              return c != 0 ? c : Long.compare(x.pair(), y.pair());
            });
    private final List<String> tokens = new ArrayList<>();
    private final Map<String, Integer> idOfToken = new HashMap<>();
    private final List<BpeModel.Merge> merges = new ArrayList<>();

    Merger(int[][] symbols, long[] freq) {
      this.symbols = symbols;
      this.freq = freq;
    }

    BpeModel run() {
      tokens.addAll(BpeModel.SPECIAL_TOKENS);
      for (int b = 0; b < 256; b++) {
        String s = String.valueOf(ByteLevel.charOf(b));
        idOfToken.put(s, tokens.size());
        tokens.add(s);
      }
      for (int w = 0; w < symbols.length; w++) {
        int[] s = symbols[w];
        for (int i = 0; i + 1 < s.length; i++) {
          long p = BpeModel.pairKey(s[i], s[i + 1]);
          pairCounts.computeIfAbsent(p, k -> new long[1])[0] += freq[w];
          wordsWithPair.computeIfAbsent(p, k -> new IntList()).addIfNotLast(w);
        }
      }
      pairCounts.forEach((p, c) -> queue.add(new Candidate(c[0], p)));

      while (tokens.size() < vocabSize) {
        Candidate top = queue.poll();
        if (top == null) {
          break;
        }
        long[] current = pairCounts.get(top.pair());
        if (current == null) {
          continue;
        }
        if (current[0] != top.count()) {
          queue.add(new Candidate(current[0], top.pair()));
          continue;
        }
        if (top.count() < minFrequency) {
          break;
        }
        merge(top.pair());
      }
      return new BpeModel(tokens, merges);
    }

    private void merge(long pair) {
      int left = (int) (pair >>> 32);
      int right = (int) pair;
      String joined = tokens.get(left) + tokens.get(right);
      Integer existing = idOfToken.get(joined);
      int id;
      if (existing != null) {
        id = existing;
      } else {
        if (BpeModel.SPECIAL_TOKENS.contains(joined)) {
          throw new IllegalStateException("a merge gave the special token " + joined);
        }
        id = tokens.size();
        tokens.add(joined);
        idOfToken.put(joined, id);
      }
      merges.add(new BpeModel.Merge(left, right, id));

      Map<Long, long[]> delta = new HashMap<>();
      IntList words = wordsWithPair.remove(pair);
      for (int k = 0; k < words.size; k++) {
        int w = words.items[k];
        int[] s = symbols[w];
        int[] merged = mergeWord(s, left, right, id);
        if (merged == null) {
          continue;
        }
        long f = freq[w];
        for (int i = 0; i + 1 < s.length; i++) {
          delta.computeIfAbsent(BpeModel.pairKey(s[i], s[i + 1]), x -> new long[1])[0] -= f;
        }
        for (int i = 0; i + 1 < merged.length; i++) {
          long p = BpeModel.pairKey(merged[i], merged[i + 1]);
          delta.computeIfAbsent(p, x -> new long[1])[0] += f;
          if (merged[i] == id || merged[i + 1] == id) {
            wordsWithPair.computeIfAbsent(p, x -> new IntList()).addIfNotLast(w);
          }
        }
        symbols[w] = merged;
      }
      delta.forEach(
          (p, d) -> {
            if (d[0] == 0) {
              return;
            }
            long[] c = pairCounts.computeIfAbsent(p, x -> new long[1]);
            c[0] += d[0];
            if (c[0] == 0) {
              pairCounts.remove(p);
              wordsWithPair.remove(p);
            } else if (d[0] > 0) {
              queue.add(new Candidate(c[0], p));
            }
          });
    }
  }

  /** {@code s} with each (left, right), from the left, replaced by {@code id}; null if none. */
  private static int[] mergeWord(int[] s, int left, int right, int id) {
    int[] out = null;
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
        if (out == null) {
          out = new int[s.length - 1];
          System.arraycopy(s, 0, out, 0, i);
          n = i;
        }
        out[n++] = id;
        i++;
      } else if (out != null) {
        out[n++] = s[i];
      }
    }
    return out == null ? null : Arrays.copyOf(out, n);
  }
}
