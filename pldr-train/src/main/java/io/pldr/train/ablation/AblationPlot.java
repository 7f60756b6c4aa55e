package io.pldr.train.ablation;

import io.pldr.train.observe.LossCharts;
import io.pldr.train.observe.LossCurves;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The loss curves of every variant of an ablation in one PNG (XChart, headless): each variant in
 * its own colour, its training loss as a solid line and its validation loss as a dashed line with
 * markers. Non-finite losses are left out; the file is written atomically.
 */
public final class AblationPlot {
  /** Matplotlib's "tab10" colours, one per variant (repeating after ten). */
  private static final Color[] PALETTE = {
    new Color(31, 119, 180),
    new Color(255, 127, 14),
    new Color(44, 160, 44),
    new Color(214, 39, 40),
    new Color(148, 103, 189),
    new Color(140, 86, 75),
    new Color(227, 119, 194),
    new Color(127, 127, 127),
    new Color(188, 189, 34),
    new Color(23, 190, 207)
  };

  private static final BasicStroke DASHED =
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);

  private final String title;
  private final int width;
  private final int height;

  /** A plot of {@code width} × {@code height} pixels. */
  public AblationPlot(String title, int width, int height) {
    if (width < 100 || height < 100) {
      throw new IllegalArgumentException(
          "plot must be at least 100x100, got " + width + "x" + height);
    }
    this.title = title;
    this.width = width;
    this.height = height;
  }

  /** A 1000 × 600 plot. */
  public AblationPlot(String title) {
    this(title, 1000, 600);
  }

  /** Draws {@code curves} (variant name → its curves, in legend order) as a PNG to {@code file}. */
  public void write(Path file, Map<String, LossCurves> curves) throws IOException {
    LossCharts.writePng(chart(curves), file);
  }

  XYChart chart(Map<String, LossCurves> curves) {
    XYChart chart = LossCharts.create(title, width, height);
    chart.getStyler().setXAxisMin(0.0);
    int i = 0;
    for (Map.Entry<String, LossCurves> e : curves.entrySet()) {
      Color color = PALETTE[i++ % PALETTE.length];
      add(chart, e.getKey() + " (train)", e.getValue().train(), color, false);
      add(chart, e.getKey() + " (validation)", e.getValue().validation(), color, true);
    }
    if (chart.getSeriesMap().isEmpty()) {
      chart
          .addSeries("no finished variant", new double[] {0}, new double[] {0})
          .setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static void add(
      XYChart chart, String name, List<LossCurves.Point> points, Color color, boolean validation) {
    List<LossCurves.Point> finite = points.stream().filter(p -> Double.isFinite(p.loss())).toList();
    if (finite.isEmpty()) {
      return;
    }
    double[] x = finite.stream().mapToDouble(LossCurves.Point::step).toArray();
    double[] y = finite.stream().mapToDouble(LossCurves.Point::loss).toArray();
    XYSeries s = chart.addSeries(name, x, y);
    s.setLineColor(color);
    s.setMarkerColor(color);
    if (validation) {
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setLineStyle(DASHED);
    } else {
      s.setMarker(SeriesMarkers.NONE);
      s.setLineWidth(1.5f);
    }
  }
}
