package io.pldr.train.ablation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.train.observe.LossCurves;
import io.pldr.train.observe.LossCurves.Point;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One PNG with the loss curves of every variant, each in its own colour. */
class AblationPlotTest {
  @TempDir Path dir;

  private static LossCurves curves(double start) {
    List<Point> train = new ArrayList<>();
    List<Point> validation = new ArrayList<>();
    for (int step = 10; step <= 200; step += 10) {
      train.add(new Point(step, start / Math.sqrt(step)));
      if (step % 50 == 0) {
        validation.add(new Point(step, start / Math.sqrt(step) + 0.2));
      }
    }
    train.add(new Point(205, Double.NaN)); // left out, not fatal
    return new LossCurves(train, validation);
  }

  @Test
  void drawsEveryVariantInItsOwnColour() throws Exception {
    Map<String, LossCurves> curves = new LinkedHashMap<>();
    curves.put("learned", curves(20));
    curves.put("identity", curves(25));
    curves.put("random", curves(30));
    Path png = dir.resolve("losses.png");
    new AblationPlot("pldr ablate: test").write(png, curves);

    assertThat(Files.size(png)).isGreaterThan(10_000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1000);
    assertThat(image.getHeight()).isEqualTo(600);
    // The first three palette colours (tab10 blue, orange, green) are all drawn.
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    assertThat(colours).contains(0x1F77B4, 0xFF7F0E, 0x2CA02C);
    assertThat(colours).doesNotContain(0xD62728); // no fourth variant
  }

  @Test
  void anAblationWithoutFinishedVariantsStillGetsAPlot() throws Exception {
    Path png = dir.resolve("empty.png");
    new AblationPlot("empty", 300, 200).write(png, Map.of());
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(300);
  }
}
