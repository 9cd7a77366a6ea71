package org.ffebm.digital.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Param;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.digital.format.NumberFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Same bits whatever the thread count, and no allocation in steady state, through a chain of every layer. */
class DeterminismTest {

    /**
     * conv(2→24, 3×3, pad 1) → batch-norm → ReLU (bf16) → max-pool 2 (floor: 6×5 → 3×2) → avg-pool 2 stride 1 on
     * 2×6×5 inputs: 24 filters and channels so that the filter gradient and the statistics split over 3 threads too.
     */
    private static List<FeedforwardBlock<FMatrixRMaj>> chain(F32Ops ops) {
        List<FeedforwardBlock<FMatrixRMaj>> c = new ArrayList<>();
        Conv2d<FMatrixRMaj> conv = new Conv2d<>(ops, "conv", new Shape(2, 6, 5), 24, 3, 1, 1, 1.0,
                new SplittableRandom(61));
        c.add(conv);
        c.add(new BatchNorm2d<>(ops, "bn", conv.outputShape()));
        c.add(new Quantized<>(ops, new ReLU<>(ops, "relu", conv.outputShape()), NumberFormat.BF16));
        MaxPool2d<FMatrixRMaj> mp = new MaxPool2d<>(ops, "mp", conv.outputShape(), 2);
        c.add(mp);
        c.add(new AvgPool2d<>(ops, "ap", mp.outputShape(), 2, 1));
        return c;
    }

    /** Runs forward (training) and backward through the chain; returns every output, input gradient and param grad. */
    private static List<FMatrixRMaj> run(List<FeedforwardBlock<FMatrixRMaj>> chain, FMatrixRMaj x, FMatrixRMaj g,
                                         boolean keep) {
        List<FMatrixRMaj> seen = keep ? new ArrayList<>() : null;
        FMatrixRMaj a = x;
        for (int k = 0; k < chain.size(); k++) {                         // no iterator: the allocation test
            a = chain.get(k).forward(a, true);
            if (keep) {
                seen.add(a.copy());
            }
        }
        FMatrixRMaj d = g;
        for (int k = chain.size() - 1; k >= 0; k--) {
            d = chain.get(k).backward(d, 0.125, k > 0);
            if (keep && d != null) {
                seen.add(d.copy());
            }
        }
        if (keep) {
            for (FeedforwardBlock<FMatrixRMaj> f : chain) {
                for (Param<FMatrixRMaj> p : f.params()) {
                    seen.add(p.grad().copy());
                }
            }
        }
        return seen;
    }

    @Test
    void oneAndThreeThreadsGiveTheSameBits() {
        SplittableRandom rng = new SplittableRandom(62);
        int batch = 26;
        FMatrixRMaj x = Oracles.toFloat(Oracles.uniform(batch, 60, rng));
        FMatrixRMaj g = Oracles.toFloat(Oracles.uniform(batch, 24 * 2 * 1, rng));
        List<FMatrixRMaj> serial = run(chain(new F32Ops(Kernels.byName(Kernels.BLOCKED), Parallel.serial())), x, g,
                true);
        List<FMatrixRMaj> threaded;
        try (Parallel p = Parallel.of(3)) {
            threaded = run(chain(new F32Ops(Kernels.byName(Kernels.BLOCKED), p)), x, g, true);
        }
        assertEquals(serial.size(), threaded.size());
        for (int k = 0; k < serial.size(); k++) {
            FMatrixRMaj s = serial.get(k), t = threaded.get(k);
            assertEquals(s.getNumElements(), t.getNumElements());
            for (int i = 0; i < s.getNumElements(); i++) {
                assertEquals(Float.floatToIntBits(s.data[i]), Float.floatToIntBits(t.data[i]),
                        "tensor " + k + " entry " + i);
            }
        }
    }

    @Test
    void noAllocationOnceTheBatchSizeHasBeenSeen() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        SplittableRandom rng = new SplittableRandom(63);
        List<FeedforwardBlock<FMatrixRMaj>> chain = chain(F32Ops.reference());
        FMatrixRMaj x = Oracles.toFloat(Oracles.uniform(4, 60, rng));
        FMatrixRMaj g = Oracles.toFloat(Oracles.uniform(4, 24 * 2 * 1, rng));
        run(chain, x, g, false);
        run(chain, x, g, false);
        // per pass; the JIT compiler now and then charges a few hundred bytes to a pass (a deoptimisation, an OSR
        // entry), so the test asks that most passes allocate nothing rather than that all do
        long[] perPass = new long[41];
        for (int rep = 0; rep < perPass.length; rep++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            run(chain, x, g, false);
            perPass[rep] = bean.getCurrentThreadAllocatedBytes() - before;
        }
        long[] sorted = perPass.clone();
        Arrays.sort(sorted);
        assertEquals(0, sorted[sorted.length / 2] + sorted[sorted.length / 4],
                "bytes allocated per forward/backward pass: " + Arrays.toString(perPass));
    }
}
