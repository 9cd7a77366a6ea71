package org.ffebm.core.tensor;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;

/**
 * Chooses a {@link GemmF32} kernel by name: the one place that knows every kernel (Lucene's
 * {@code VectorizationProvider}, in small).
 *
 * <table>
 *   <caption>Kernels</caption>
 *   <tr><th>name</th><th>class</th><th>bits</th></tr>
 *   <tr><td>{@value #REFERENCE}</td><td>{@link ReferenceGemmF32}</td><td>the oracle</td></tr>
 *   <tr><td>{@value #EJML}</td><td>{@link EjmlGemmF32}</td><td>reference up to rounding</td></tr>
 *   <tr><td>{@value #BLOCKED}</td><td>{@link BlockedGemmF32}</td><td>same as reference</td></tr>
 *   <tr><td>{@value #VECTOR}</td><td>{@code VectorGemmF32} (Vector API), when present</td><td>same as reference</td></tr>
 * </table>
 *
 * <p>The vector kernel is loaded by reflection, so this class and the rest of the code compile and run without
 * {@code --add-modules jdk.incubator.vector}. It is offered only if its class is on the class path, the incubator
 * module is resolved, the preferred vector has at least 4 float lanes, and a small self-check gives the reference's
 * bits; otherwise {@link #vectorUnavailableReason()} says which of these failed, and {@link #fastest()} logs it once
 * and returns the blocked kernel.
 *
 * <p>Every call returns a new kernel instance. Kernels may be shared by the threads of one {@link Parallel}.
 */
public final class Kernels {

    /** {@link ReferenceGemmF32}. */
    public static final String REFERENCE = "reference";
    /** {@link EjmlGemmF32}. */
    public static final String EJML = "ejml";
    /** {@link BlockedGemmF32}. */
    public static final String BLOCKED = "blocked";
    /** {@code VectorGemmF32}, if it can be loaded. */
    public static final String VECTOR = "vector";

    /** The vector kernel's class, looked up by name so that nothing here needs the incubator module. */
    static final String VECTOR_CLASS = "org.ffebm.core.tensor.VectorGemmF32";

    private static final System.Logger LOG = System.getLogger(Kernels.class.getName());

    private Kernels() {
    }

    /** The result of trying to load the vector kernel, computed once. */
    private static final class VectorProbe {
        static final String REASON = probe();
        static boolean logged;

        /** null if the vector kernel is usable, else why not. */
        private static String probe() {
            GemmF32 k;
            try {
                k = instantiate();
            } catch (ClassNotFoundException e) {
                return VECTOR_CLASS + " is not on the class path";
            } catch (LinkageError e) {
                return "the Vector API is not available (run with --add-modules jdk.incubator.vector): " + e;
            } catch (InvocationTargetException e) {
                return "the vector kernel refused this machine: " + e.getCause().getMessage();
            } catch (ReflectiveOperationException | RuntimeException e) {
                return "the vector kernel could not be created: " + e;
            }
            return selfCheck(k);
        }
    }

    private static GemmF32 instantiate() throws ReflectiveOperationException {
        Class<?> c = Class.forName(VECTOR_CLASS, true, Kernels.class.getClassLoader());
        return (GemmF32) c.getDeclaredConstructor().newInstance();
    }

    /**
     * Compares the three products of {@code k} with the reference's, bit for bit, on awkward shapes (not lane
     * multiples, every path of a blocked kernel).
     *
     * @return null if all agree, else what differed
     */
    static String selfCheck(GemmF32 k) {
        GemmF32 ref = new ReferenceGemmF32();
        SplittableRandom rng = new SplittableRandom(20240917L);
        int[][] shapes = {{7, 13, 29}, {5, 40, 33}, {1, 3, 1}, {9, 17, 70}};
        for (int[] s : shapes) {
            int m = s[0], kk = s[1], n = s[2];
            FMatrixRMaj a = random(m, kk, rng), b = random(kk, n, rng), bt = random(n, kk, rng), at = random(kk, m, rng);
            FMatrixRMaj c0 = random(m, n, rng), want = c0.copy(), got = c0.copy();
            ref.mult(a, b, 0.5f, want, 0, m);
            k.mult(a, b, 0.5f, got, 0, m);
            if (!sameBits(want, got)) {
                return "self-check: mult differs from the reference at " + m + "x" + kk + "x" + n;
            }
            ref.multTransB(a, bt, 0f, want, 0, m);
            k.multTransB(a, bt, 0f, got, 0, m);
            if (!sameBits(want, got)) {
                return "self-check: multTransB differs from the reference at " + m + "x" + kk + "x" + n;
            }
            ref.multTransA(0.25f, at, b, 1f, want, 0, m);
            k.multTransA(0.25f, at, b, 1f, got, 0, m);
            if (!sameBits(want, got)) {
                return "self-check: multTransA differs from the reference at " + m + "x" + kk + "x" + n;
            }
        }
        return null;
    }

    private static FMatrixRMaj random(int rows, int cols, SplittableRandom rng) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return m;
    }

    private static boolean sameBits(FMatrixRMaj x, FMatrixRMaj y) {
        for (int i = 0; i < x.getNumElements(); i++) {
            if (Float.floatToIntBits(x.data[i]) != Float.floatToIntBits(y.data[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@value #VECTOR} is one of {@link #names()} on this JVM. */
    public static boolean vectorAvailable() {
        return VectorProbe.REASON == null;
    }

    /** Why the vector kernel cannot be used here, or null if it can. */
    public static String vectorUnavailableReason() {
        return VectorProbe.REASON;
    }

    /** The names {@link #byName} accepts on this JVM, slowest first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of(REFERENCE, EJML, BLOCKED));
        if (vectorAvailable()) {
            names.add(VECTOR);
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * A new kernel.
     *
     * @param name one of {@link #names()}
     * @return a new instance of that kernel
     * @throws IllegalArgumentException if the name is unknown, or is {@value #VECTOR} and the vector kernel cannot be
     *                                  used here (the message gives the reason); the message lists the valid names
     * @throws NullPointerException if name is null
     */
    public static GemmF32 byName(String name) {
        Objects.requireNonNull(name, "name");
        switch (name) {
            case REFERENCE:
                return new ReferenceGemmF32();
            case EJML:
                return new EjmlGemmF32();
            case BLOCKED:
                return new BlockedGemmF32();
            case VECTOR:
                if (vectorAvailable()) {
                    return newVector();
                }
                throw new IllegalArgumentException("kernel '" + name + "' is not available here ("
                        + vectorUnavailableReason() + "); valid names: " + String.join(", ", names()));
            default:
                throw new IllegalArgumentException(
                        "unknown kernel '" + name + "'; valid names: " + String.join(", ", names()));
        }
    }

    /**
     * The fastest kernel that passes the tests on this JVM (the training default): {@value #VECTOR} if available,
     * else {@value #BLOCKED}, whose results have the same bits (measurements in {@code docs/design-notes.md}). When
     * the vector kernel's class is present but unusable, the reason is logged once at INFO; when the class is simply
     * not on the class path, at DEBUG.
     */
    public static GemmF32 fastest() {
        if (vectorAvailable()) {
            return newVector();
        }
        logFallbackOnce();
        return new BlockedGemmF32();
    }

    private static synchronized void logFallbackOnce() {
        if (!VectorProbe.logged) {
            VectorProbe.logged = true;
            String reason = VectorProbe.REASON;
            System.Logger.Level level = reason.endsWith("is not on the class path")
                    ? System.Logger.Level.DEBUG : System.Logger.Level.INFO;
            LOG.log(level, "using the blocked kernel: {0}", reason);
        }
    }

    private static GemmF32 newVector() {
        try {
            return instantiate();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("vector kernel loaded once but not now", e);
        }
    }
}
