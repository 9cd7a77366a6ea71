/**
 * The scheduler across the analog/digital boundary and the co-design cost model (DESIGN §5): {@link
 * org.ffebm.core.schedule.Scheduler} runs a training step and an inference as explicit {@link
 * org.ffebm.core.schedule.Phase}s and applies every block's converters; {@link org.ffebm.core.schedule.CostModel} turns
 * each phase's counts into modelled energy and time; {@link org.ffebm.core.schedule.TraceEvent}s go to a {@link
 * org.ffebm.core.schedule.TraceSink}: a {@link org.ffebm.core.schedule.CostLedger} for a run's summary, a {@link
 * org.ffebm.core.schedule.TraceFile} for {@code --trace}.
 */
package org.ffebm.core.schedule;
