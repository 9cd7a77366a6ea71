package org.ffebm.analog.device;

/** Sample moments for the statistical tests of this package. */
final class Stats {

    /** Tolerance of deterministic floating-point comparisons, relative. */
    static final double TOL_F64 = 1e-12;

    private Stats() {
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Unbiased sample standard deviation. */
    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
