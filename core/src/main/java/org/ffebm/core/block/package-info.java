/**
 * Blocks of an ff-EBM: the {@link org.ffebm.core.block.EnergyBlock} and
 * {@link org.ffebm.core.block.FeedforwardBlock} interfaces, the dense DHN, and the digital blocks of core (linear,
 * identity/flatten, hard sigmoid, sequential chains).
 */
package org.ffebm.core.block;
