package io.pldr.train.observe;

import io.pldr.tf.io.AtomicFiles;
import java.awt.Color;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;

/**
 * What pldr's loss plots share: an empty chart of loss against step in one style (white, a light
 * grid, the legend top right, lines), drawn headless, and its atomic writing as a PNG.
 */
public final class LossCharts {
  private LossCharts() {}

  /** An empty loss-against-step chart of {@code width} × {@code height} pixels. */
  public static XYChart create(String title, int width, int height) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart =
        new XYChartBuilder()
            .width(width)
            .height(height)
            .title(title)
            .xAxisTitle("step")
            .yAxisTitle("loss")
            .build();
    XYStyler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setLegendBorderColor(Color.LIGHT_GRAY);
    styler.setPlotBorderColor(Color.LIGHT_GRAY);
    styler.setPlotGridLinesColor(new Color(225, 225, 225));
    styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    styler.setXAxisDecimalPattern("#,##0");
    return chart;
  }

  /** Renders {@code chart} and writes it as a PNG to {@code file}, atomically. */
  public static void writePng(XYChart chart, Path file) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(
        file,
        out -> {
          ByteBuffer buf = ByteBuffer.wrap(png);
          while (buf.hasRemaining()) {
            out.write(buf);
          }
        });
  }
}
