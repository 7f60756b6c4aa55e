package io.pldr.train.observe;

import java.util.ArrayList;
import java.util.List;

/** Training and validation loss against step, the data of a {@link LossPlot}. */
public record LossCurves(List<Point> train, List<Point> validation) {

  /** One loss value at one step. */
  public record Point(long step, double loss) {}

  public LossCurves {
    train = List.copyOf(train);
    validation = List.copyOf(validation);
  }

  /** The {@code metric} values (usually {@code "loss"}) of both splits of a history. */
  public static LossCurves fromHistory(List<MetricsEntry> entries, String metric) {
    List<Point> train = new ArrayList<>();
    List<Point> validation = new ArrayList<>();
    for (MetricsEntry e : entries) {
      e.value(metric)
          .ifPresent(
              v -> (e.split() == Split.TRAIN ? train : validation).add(new Point(e.step(), v)));
    }
    return new LossCurves(train, validation);
  }

  /** Whether there is nothing to draw. */
  public boolean isEmpty() {
    return train.isEmpty() && validation.isEmpty();
  }
}
