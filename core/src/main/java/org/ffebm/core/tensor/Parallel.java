package org.ffebm.core.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a range of rows over a fixed number of long-lived worker threads.
 *
 * <p>Chunk boundaries depend only on the range and the thread count; combined with kernels whose per-element results
 * do not depend on the row range (see {@link GemmF32}), every row is computed with the same bits whatever the thread
 * count. With one thread the task runs inline on the caller and nothing is allocated. With more threads, one dispatch
 * allocates a few small task objects: callers dispatch once per relaxation phase, never once per relaxation step.
 */
public final class Parallel implements AutoCloseable {

    /** A task over rows [r0, r1). */
    @FunctionalInterface
    public interface RangeTask {
        void run(int r0, int r1);
    }

    private static final Parallel SERIAL = new Parallel(1);

    private final int threads;
    private final ExecutorService pool;

    private Parallel(int threads) {
        this.threads = threads;
        if (threads == 1) {
            this.pool = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "ffebm-worker-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.pool = Executors.newFixedThreadPool(threads - 1, factory);
        }
    }

    /** The inline, single-threaded instance. */
    public static Parallel serial() {
        return SERIAL;
    }

    /**
     * A pool of {@code threads} workers (the caller counts as one).
     *
     * @throws IllegalArgumentException if threads &lt; 1
     */
    public static Parallel of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads);
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over [0, n) in at most {@link #threads()} contiguous chunks; returns when all are done. */
    public void forRange(int n, RangeTask task) {
        int chunks = Math.min(threads, Math.max(1, n / 8));
        if (chunks <= 1 || pool == null) {
            task.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            final int r0 = bound(n, chunks, c), r1 = bound(n, chunks, c + 1);
            futures.add(pool.submit(() -> task.run(r0, r1)));
        }
        task.run(0, bound(n, chunks, 1));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for workers", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }

    private static int bound(int n, int chunks, int c) {
        return (int) ((long) n * c / chunks);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
