package org.ffebm.benchmarks;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.tensor.GemmF32;
import org.ffebm.core.tensor.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One single-threaded matrix product of a training step, per {@link GemmF32} kernel. GFLOP/s = 2·m·n·k / time; see
 * {@link #flops()} and {@code docs/design-notes.md}.
 *
 * <table>
 *   <caption>Shapes (B = {@link #batch})</caption>
 *   <tr><th>shape</th><th>product</th><th>m × k × n</th></tr>
 *   <tr><td>forward</td><td>multTransB(s_prev[B×784], W[512×784]) → [B×512]</td><td>B × 784 × 512</td></tr>
 *   <tr><td>gradient</td><td>multTransA(1/B, s[B×512], s_prev[B×784]) → [512×784]</td><td>512 × B × 784</td></tr>
 *   <tr><td>feedback</td><td>mult(s_next[B×512], W[512×512]) → [B×512]</td><td>B × 512 × 512</td></tr>
 * </table>
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar GemmBenchmark -p kernel=blocked,vector -p shape=forward -prof gc -rf json
 * </pre>
 */
@State(Scope.Benchmark)
public class GemmBenchmark extends BenchDefaults {

    /** A name of {@link Kernels#byName}; {@code vector} needs the incubator module (set by {@link BenchDefaults}). */
    @Param({"reference", "ejml", "blocked", "vector"})
    public String kernel;

    /** forward, gradient or feedback: see the class comment. */
    @Param({"forward", "gradient", "feedback"})
    public String shape;

    /** Batch size B. */
    @Param({"128"})
    public int batch;

    // non-final, so that the JIT cannot treat inputs as constants
    private GemmF32 gemm;
    private FMatrixRMaj a;
    private FMatrixRMaj b;
    private FMatrixRMaj c;
    private int op;
    private float alpha;

    /** Seeded inputs in [-1, 1) and a kernel warmed once at the shape (so any scratch exists before measuring). */
    @Setup(Level.Trial)
    public void setUp() {
        gemm = Kernels.byName(kernel);
        SplittableRandom rng = new SplittableRandom(42);
        switch (shape) {
            case "forward":
                op = 0;
                a = random(batch, 784, rng);
                b = random(512, 784, rng);
                c = new FMatrixRMaj(batch, 512);
                break;
            case "gradient":
                op = 1;
                a = random(batch, 512, rng);
                b = random(batch, 784, rng);
                c = new FMatrixRMaj(512, 784);
                break;
            case "feedback":
                op = 2;
                a = random(batch, 512, rng);
                b = random(512, 512, rng);
                c = new FMatrixRMaj(batch, 512);
                break;
            default:
                throw new IllegalArgumentException("unknown shape '" + shape + "'; valid: forward, gradient, feedback");
        }
        alpha = 1f / batch;
        product();
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m;
    }

    /** The flops of one product, 2·m·n·k, for converting the time per op into GFLOP/s. */
    public double flops() {
        int k = op == 1 ? a.numRows : a.numCols;
        return 2.0 * c.numRows * c.numCols * k;
    }

    /** The product over all rows, on the calling thread. */
    @Benchmark
    public FMatrixRMaj product() {
        switch (op) {
            case 0:
                gemm.multTransB(a, b, 0f, c, 0, c.numRows);
                break;
            case 1:
                gemm.multTransA(alpha, a, b, 0f, c, 0, c.numRows);
                break;
            default:
                gemm.mult(a, b, 0f, c, 0, c.numRows);
        }
        return c;
    }

    /** The harness's own cost: returns the output without computing it. */
    @Benchmark
    public FMatrixRMaj baseline() {
        return c;
    }
}
