package org.ffebm.analog.crossbar;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Assumptions;

/** Allocation checks with the per-thread allocation counter (as core's GemmF32Test); skipped where there is none. */
final class Allocations {

    private Allocations() {
    }

    /**
     * Asserts that {@code steps} repeated 100 times allocates less than 1 KiB on this thread, in the least of five
     * rounds (while the JIT compiles a loop, single rounds were seen to count a few hundred bytes now and then; one
     * 16-byte object per repetition would show as 1600 bytes in every round).
     *
     * @param steps the work, already run once so that buffers are sized
     * @param what names the work in the message
     */
    static void assertNoAllocation(Runnable steps, String what) {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) mx;
        Assumptions.assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int rep = 0; rep < 100; rep++) {
                steps.run();
            }
            least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least < 1024, what + ": allocated " + least + " bytes in 100 repetitions");
    }
}
