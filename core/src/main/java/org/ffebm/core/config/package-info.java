/**
 * Validated configuration records, one per concern, with a round trip through {@code ffebm.*} properties.
 */
package org.ffebm.core.config;
