/** The hybrid gradient: backprop through digital blocks, Equilibrium Propagation through energy blocks. */
package org.ffebm.core.eqprop;
