/** The training loop, its metrics and its progress callbacks. */
package org.ffebm.core.train;
