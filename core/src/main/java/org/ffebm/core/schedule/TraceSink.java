package org.ffebm.core.schedule;

/**
 * Receives the {@link TraceEvent}s of a {@link Scheduler}, on the scheduler's thread, in phase order. A scheduler
 * without a sink builds no events at all.
 */
@FunctionalInterface
public interface TraceSink {

    /**
     * @param event (Input) one phase's event
     */
    void accept(TraceEvent event);

    /** A sink that hands each event to {@code first}, then to {@code second}. */
    static TraceSink both(TraceSink first, TraceSink second) {
        return e -> {
            first.accept(e);
            second.accept(e);
        };
    }
}
