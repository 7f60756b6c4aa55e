package io.pldr.train.observe;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws training and validation loss against step as a PNG (XChart, headless): the training loss as
 * a line, the validation loss as a line with markers, and optionally a dashed horizontal {@link
 * ReferenceLine}. Non-finite losses are left out. Files are written atomically.
 */
public final class LossPlot {
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);
  private static final Color REFERENCE = new Color(110, 110, 110);

  private final String title;
  private final int width;
  private final int height;
  private final Optional<ReferenceLine> reference;

  /** A plot of {@code width} × {@code height} pixels. */
  public LossPlot(String title, int width, int height, Optional<ReferenceLine> reference) {
    if (width < 100 || height < 100) {
      throw new IllegalArgumentException(
          "plot must be at least 100x100, got " + width + "x" + height);
    }
    this.title = Objects.requireNonNull(title, "title");
    this.width = width;
    this.height = height;
    this.reference = Objects.requireNonNull(reference, "reference");
  }

  /** A 1000 × 600 plot without reference line. */
  public LossPlot(String title) {
    this(title, 1000, 600, Optional.empty());
  }

  /** The same plot with a reference line. */
  public LossPlot withReference(ReferenceLine line) {
    return new LossPlot(title, width, height, Optional.of(line));
  }

  /** Renders the chart. */
  public BufferedImage render(LossCurves curves) {
    return BitmapEncoder.getBufferedImage(chart(curves));
  }

  /** Renders the chart and writes it as a PNG to {@code file}, atomically. */
  public void write(Path file, LossCurves curves) throws IOException {
    LossCharts.writePng(chart(curves), file);
  }

  XYChart chart(LossCurves curves) {
    XYChart chart = LossCharts.create(title, width, height);
    XYStyler styler = chart.getStyler();

    Series train = Series.of(curves.train());
    Series validation = Series.of(curves.validation());
    double minStep = Math.min(train.minX(), validation.minX());
    double maxStep = Math.max(train.maxX(), validation.maxX());
    double xMin = Math.min(0, minStep);
    if (minStep <= maxStep) {
      // Start at 0 so that the step ticks fall on round numbers. XChart puts ticks only at data
      // x values when the x values of all series, in insertion order, are equally spaced (as
      // logged steps are); a hidden first series from xMin to the last step avoids that.
      styler.setXAxisMin(xMin);
      double y = train.size() > 0 ? train.y()[0] : validation.y()[0];
      XYSeries axis =
          chart.addSeries(" axis range", new double[] {xMin, maxStep}, new double[] {y, y});
      axis.setEnabled(false);
      axis.setShowInLegend(false);
    }
    if (train.size() > 0) {
      XYSeries s = chart.addSeries("training loss", train.x(), train.y());
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(TRAIN);
      s.setLineWidth(1.5f);
    }
    if (validation.size() > 0) {
      XYSeries s = chart.addSeries("validation loss", validation.x(), validation.y());
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(VALIDATION);
      s.setLineColor(VALIDATION);
      s.setLineWidth(2f);
    }
    if (reference.isPresent() && minStep <= maxStep) {
      ReferenceLine line = reference.get();
      XYSeries s =
          chart.addSeries(
              line.label() + " (" + String.format(Locale.ROOT, "%.3f", line.value()) + ")",
              new double[] {xMin, maxStep},
              new double[] {line.value(), line.value()});
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(REFERENCE);
      s.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f));
    }
    return chart;
  }

  /** Finite points as arrays. */
  private record Series(double[] x, double[] y) {
    static Series of(List<LossCurves.Point> points) {
      List<LossCurves.Point> finite =
          points.stream().filter(p -> Double.isFinite(p.loss())).toList();
      double[] x = new double[finite.size()];
      double[] y = new double[finite.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = finite.get(i).step();
        y[i] = finite.get(i).loss();
      }
      return new Series(x, y);
    }

    int size() {
      return x.length;
    }

    double minX() {
      double m = Double.POSITIVE_INFINITY;
      for (double v : x) {
        m = Math.min(m, v);
      }
      return m;
    }

    double maxX() {
      double m = Double.NEGATIVE_INFINITY;
      for (double v : x) {
        m = Math.max(m, v);
      }
      return m;
    }
  }
}
