/**
 * The digital co-processor (DESIGN §4): convolution, pooling, batch-norm and number formats with operation counts.
 * Depends only on {@code core}. The dense digital blocks of the foundation (linear, identity/flatten, hard sigmoid)
 * live in {@code org.ffebm.core.block}; convolutional layers arrive with the convolution issue.
 */
package org.ffebm.digital;
