/**
 * Blocks of an ff-EBM: the {@link org.ffebm.core.block.EnergyBlock} and
 * {@link org.ffebm.core.block.FeedforwardBlock} interfaces, the dense DHN ({@link org.ffebm.core.block.DenseDhnBlock}),
 * the convolutional DHN with max/average pooling ({@link org.ffebm.core.block.ConvDhnBlock}, layers specified by
 * {@link org.ffebm.core.block.ConvLayer}), both relaxed by {@link org.ffebm.core.block.DhnRelaxation}, and the digital
 * blocks of core (linear, identity/flatten, hard sigmoid, sequential chains).
 */
package org.ffebm.core.block;
