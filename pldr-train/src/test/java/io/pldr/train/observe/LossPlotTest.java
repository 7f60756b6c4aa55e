package io.pldr.train.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {

  /** A loss falling from about 10 to 3 with noise; validation every 50 steps. */
  static LossCurves sampleCurves() {
    Random random = new Random(7);
    List<LossCurves.Point> train = new ArrayList<>();
    List<LossCurves.Point> validation = new ArrayList<>();
    for (int step = 1; step <= 600; step++) {
      double loss = 3 + 7 * Math.exp(-step / 90.0);
      train.add(new LossCurves.Point(step, loss + 0.25 * random.nextGaussian()));
      if (step % 50 == 0) {
        validation.add(new LossCurves.Point(step, loss + 0.2));
      }
    }
    train.add(new LossCurves.Point(601, Double.NaN)); // left out
    return new LossCurves(train, validation);
  }

  static Set<Integer> colors(BufferedImage image) {
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colors.add(image.getRGB(x, y) & 0xFFFFFF);
      }
    }
    return colors;
  }

  @Test
  void writesAReadablePngWithBothCurvesAndTheReferenceLine(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("plots").resolve("loss.png");
    new LossPlot("pldr-train: loss", 800, 500, java.util.Optional.empty())
        .withReference(new ReferenceLine("unigram entropy", 7.25))
        .write(png, sampleCurves());
    try (var files = Files.list(png.getParent())) {
      assertThat(files).containsExactly(png); // no temp file left
    }
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(800);
    assertThat(image.getHeight()).isEqualTo(500);
    Set<Integer> colors = colors(image);
    assertThat(colors)
        .hasSizeGreaterThan(20)
        .contains(0xFFFFFF) // background
        .contains(0x1F77B4) // training loss
        .contains(0xFF7F0E) // validation loss and markers
        .contains(0x6E6E6E); // reference line
  }

  @Test
  void rendersWithOnlyOneSplitOrNoData() {
    LossPlot plot = new LossPlot("empty");
    BufferedImage onlyTrain =
        plot.render(new LossCurves(List.of(new LossCurves.Point(1, 5.0)), List.of()));
    assertThat(colors(onlyTrain)).hasSizeGreaterThan(2);
    BufferedImage none =
        plot.withReference(new ReferenceLine("ref", 1))
            .render(new LossCurves(List.of(), List.of()));
    assertThat(none.getWidth()).isEqualTo(1000);
    assertThat(none.getHeight()).isEqualTo(600);
  }
}
