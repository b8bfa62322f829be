package dev.rlo.runtime.out;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curve.png from a metrics.csv written here by hand: the return on top, then a panel for the loss and
 * one for each report (not the gradient norm), two to a row, each drawing its own column.
 */
class CurveTest {

    @TempDir
    Path tmp;

    /** Ten iterations of 100 steps: return 10, 20, …, 100; loss 1.0, 0.9, …, 0.1; clip 0.2; approx_kl never logged. */
    private Path metrics() throws IOException {
        StringBuilder csv = new StringBuilder("global_step,charts/episodic_return,charts/learning_rate,losses/loss,"
                + "losses/clip_fraction,losses/approx_kl,losses/grad_norm,charts/SPS\n");
        for (int i = 1; i <= 10; i++) {
            csv.append(String.format(Locale.ROOT, "%d,%d,0.001,%.1f,0.2,,%.1f,5000%n", 100 * i, 10 * i, 1.1 - 0.1 * i, 0.5 * i));
        }
        Path file = tmp.resolve("metrics.csv");
        Files.writeString(file, csv);
        return file;
    }

    /** Whether the pixel is the bold line's blue (the light raw line and the grey grid are not). */
    private static boolean bold(BufferedImage img, int x, int y) {
        int rgb = img.getRGB(x, y);
        int r = rgb >> 16 & 0xff;
        int b = rgb & 0xff;
        return b - r > 80;
    }

    /** The rows (top, bottom) where the bold line is in the leftmost and rightmost columns that have it, in a region. */
    private static int[] ends(BufferedImage img, int x0, int y0, int w, int h) {
        int first = -1;
        int last = -1;
        for (int x = x0; x < x0 + w; x++) {
            for (int y = y0; y < y0 + h; y++) {
                if (bold(img, x, y)) {
                    if (first < 0) {
                        first = y;
                    }
                    last = y;
                }
            }
        }
        return new int[] {first, last};
    }

    @Test
    void theLossAndEachReportGetAPanelUnderTheReturn() throws IOException {
        Path png = tmp.resolve("curve.png");
        Curve.write(metrics(), png, "run", 1000);
        BufferedImage img = ImageIO.read(png.toFile());
        /* four panels: the return (800 × 480), then loss | clip_fraction and approx_kl below, 400 × 260 each */
        assertEquals(800, img.getWidth());
        assertEquals(480 + 2 * 260, img.getHeight());

        int[] ret = ends(img, 0, 0, 800, 480);
        assertTrue(ret[0] > ret[1], "the return rises: the line starts lower than it ends " + ret[0] + " " + ret[1]);
        int[] loss = ends(img, 0, 480, 400, 260);
        assertTrue(loss[0] >= 0 && loss[0] < loss[1], "the loss falls " + loss[0] + " " + loss[1]);
        int[] clip = ends(img, 400, 480, 400, 260);
        assertTrue(clip[0] >= 0 && Math.abs(clip[0] - clip[1]) <= 3, "clip_fraction is flat " + clip[0] + " " + clip[1]);
        assertArrayEquals(new int[] {-1, -1}, ends(img, 0, 740, 400, 260), "approx_kl has no value to draw");
        assertArrayEquals(new int[] {-1, -1}, ends(img, 400, 740, 400, 260), "no panel for grad_norm");
    }

    @Test
    void histogramBinsCountEveryValueOnce() {
        /* [0, 4] in 4 bins of width 1; 4 itself falls in the last, closed bin */
        assertArrayEquals(new long[] {2, 1, 0, 2}, Chart.counts(new double[] {0, 0.5, 1, 3.5, 4}, 4, 0, 4));
    }
}
