/** Small I/O helpers shared by the modules: a dependency-free JSON writer. */
package org.ffebm.core.io;
