package org.ffebm.analog.device;

/**
 * A read-only row-major view of a rows×cols array of conductances (siemens), the only way digital code and the
 * crossbar read a device array: only the device model mutates conductances (STYLE practice 4, after ojAlgo's
 * {@code MatrixStore}). A view reads the noiseless state; read noise is applied by {@link ReadNoise}.
 */
public interface ConductanceView {

    /** Number of rows. */
    int rows();

    /** Number of columns. */
    int cols();

    /**
     * One conductance.
     *
     * @param i row, 0 &le; i &lt; rows
     * @param j column, 0 &le; j &lt; cols
     * @return the conductance in siemens
     * @throws IndexOutOfBoundsException if i or j is out of range
     */
    double conductance(int i, int j);

    /**
     * Copies every conductance, row-major, into {@code out}.
     *
     * @param out (Output) modified; reused when it holds at least rows·cols elements, else a new array is allocated
     * @return {@code out} or the new array, with element i·cols + j = conductance(i, j) rounded to float
     */
    float[] copyTo(float[] out);

    /**
     * Copies every conductance, row-major, into {@code out}.
     *
     * @param out (Output) modified; reused when it holds at least rows·cols elements, else a new array is allocated
     * @return {@code out} or the new array, with element i·cols + j = conductance(i, j)
     */
    double[] copyTo(double[] out);
}
