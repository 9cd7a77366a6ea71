/**
 * Resistive devices (DESIGN §3): the configuration of a device family ({@link org.ffebm.analog.device.DeviceConfig}),
 * the expected step of one programming pulse vs the state ({@link org.ffebm.analog.device.StepModel} and its constant,
 * linear / soft-bounds, exponential, power-law and measured-table implementations, each citing the paper it follows),
 * a rows×cols array of devices with device-to-device variability, cycle-to-cycle noise, levels, write noise, stuck-at
 * faults and drift ({@link org.ffebm.analog.device.DeviceArray}), read noise
 * ({@link org.ffebm.analog.device.ReadNoise}) and named presets of published device families
 * ({@link org.ffebm.analog.device.DevicePresets}).
 *
 * <p>Units: conductances and steps in siemens (S), times in seconds; states x ∈ [0, 1] are normalized to each device's
 * own bounds. Randomness is always a {@link java.util.SplittableRandom} passed in: per-device parameters from the
 * generator given at construction, per-pulse and per-write noise from the generator given to each call, read noise from
 * the sampler's own generator.
 */
package org.ffebm.analog.device;
