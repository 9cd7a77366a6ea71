/** The ff-EBM chain of digital and energy blocks, and its construction from a configuration. */
package org.ffebm.core.model;
