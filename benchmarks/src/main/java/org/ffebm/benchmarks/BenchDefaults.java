package org.ffebm.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.data.Dataset;
import org.ffebm.core.data.FashionMnist;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings every ffebm benchmark inherits (JMH sample 24, inheritance): average time per operation in
 * microseconds, 3 warm-up and 5 measured iterations of 1 s each, in 2 forked JVMs with a fixed 2 GiB heap (so that GC
 * behaviour does not depend on the machine's memory) and the incubating Vector API module (so that the
 * {@code vector} kernel can load; it does nothing to benchmarks that do not use it).
 *
 * <p>Sized for a 2-core machine: one benchmark/parameter combination takes about 20 s. Override per class or on the
 * command line ({@code -wi}, {@code -i}, {@code -f}, {@code -r}, {@code -w}); never use {@code @Fork(0)}.
 *
 * <p>Subclasses declare their own {@code @State}, {@code @Param} and a seeded {@code @Setup(Level.Trial)}, read their
 * inputs from non-final fields, return results (or sink them in a Blackhole) and include a {@code baseline()}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public abstract class BenchDefaults {

    /**
     * The first {@code batch} images of the embedded Fashion-MNIST training subset in a fixed shuffled order (seed 7),
     * the input every training-step benchmark uses.
     *
     * @param y (Output) the labels, length batch
     */
    static FMatrixRMaj embeddedBatch(int batch, int[] y) {
        Dataset train = FashionMnist.embedded().train();
        int[] order = Dataset.shuffledOrder(train.size(), new SplittableRandom(7));
        return train.copyBatch(order, 0, batch, null, y);
    }
}
