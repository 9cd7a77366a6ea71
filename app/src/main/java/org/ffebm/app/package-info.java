/**
 * The {@code ffebm} command-line tool (DESIGN §8): {@code train}, {@code eval}, {@code gradcheck}, {@code devices}
 * and {@code report} (a run's modelled hardware cost as a table and charts).
 *
 * <p>Entry point {@link org.ffebm.app.Main}; run it through the {@code ./ffebm} launcher at the repository root, which
 * builds the shaded jar when sources change. Exit codes: 0 success, 1 a failure during the work (for example training
 * diverged, or a file could not be written), 2 bad input (unknown or invalid option, invalid configuration, missing or
 * corrupt data or checkpoint). Errors are reported as one line {@code ffebm: <message>} on standard error; set the
 * environment variable {@code FFEBM_DEBUG=1} to get stack traces as well.
 *
 * <p>A training run writes its results into a directory (see {@link org.ffebm.app.RunDir}): the resolved
 * configuration, provenance, metrics per epoch as CSV and JSON, a summary and a checkpoint that resumes bit for bit.
 */
package org.ffebm.app;
