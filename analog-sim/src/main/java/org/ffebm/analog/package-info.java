/**
 * The resistive crossbar as the substrate of energy-based blocks (DESIGN §3): conductance pairs, device models,
 * converters and the analog DHN block. Depends only on {@code core}. Its contents arrive with the crossbar issue; the
 * module exists now so that the build, the dependency rules and the benchmarks module are in place.
 */
package org.ffebm.analog;
