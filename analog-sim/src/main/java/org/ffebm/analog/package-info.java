/**
 * The resistive crossbar as the substrate of energy-based blocks (DESIGN §3). Depends only on {@code core}.
 * <ul>
 *   <li>{@link org.ffebm.analog.device}: device physics (pulsed steps vs state, variability, noise, faults, drift,
 *       presets).</li>
 *   <li>{@link org.ffebm.analog.peripheral}: the converters at the block boundary (DAC in, ADC out).</li>
 * </ul>
 * The crossbar tiles, the analog DHN block and the pulsed EP updates build on these and arrive with the later parts of
 * the crossbar issue. Argument checks come from {@link org.ffebm.core.config.Props}, shared with core.
 */
package org.ffebm.analog;
