package org.ffebm.analog.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Named device families with their parameter values and published sources, for configurations and the future
 * {@code ./ffebm devices} command ({@link #describe()}).
 *
 * <p>Most relative quantities (number of steps across the window, the shape of the step vs state, variabilities, noise
 * relative to the step) come from fits published with IBM's aihwkit (Rasch et al., "A flexible and fast PyTorch toolkit
 * for simulating training and inference on analog crossbar arrays", IEEE AICAS 2021), which are themselves fits to
 * the device papers cited per preset. aihwkit writes them in weight units on a window [w_min, w_max]; they are mapped
 * linearly onto [g_min, g_max] here, converting the linear-step slopes to this package's normalized form (see
 * {@link #fromWeightLinearStep}). Where a source gives no absolute conductance window, the window is a typical value
 * <b>chosen here</b> and said so.
 *
 * <ul>
 *   <li>{@code ideal}: {@link DeviceConfig#defaults()}, no non-ideality (the configuration that must reproduce the
 *       float DHN).</li>
 *   <li>{@code rpu-gokmen-vlasov}: constant step, 1250 steps, the resistive processing unit specification of Gokmen
 *       &amp; Vlasov, Front. Neurosci. 10:333 (2016), as aihwkit's {@code GokmenVlasovPresetDevice}.</li>
 *   <li>{@code reram-softbounds}: soft bounds, fit to ReRAM data of Gong et al., Nat. Commun. 9:2102 (2018), as
 *       aihwkit's {@code ReRamSBPresetDevice}.</li>
 *   <li>{@code ecram-linear}: linear step, fit to Li-ion ECRAM of Tang et al., IEDM 2018, as aihwkit's
 *       {@code EcRamPresetDevice}.</li>
 *   <li>{@code pcm-exponential}: exponential step with drift and 1/f read noise, window, programming noise and drift
 *       from the PCM model of Joshi et al., Nat. Commun. 11:2473 (2020) / Nandakumar et al., ICECS 2019 (aihwkit
 *       {@code PCMLikeNoiseModel}); the step shape is chosen here (see the description).</li>
 * </ul>
 */
public final class DevicePresets {

    /**
     * One preset.
     *
     * @param name the key, e.g. {@code reram-softbounds}
     * @param description what the preset models and which values are chosen here
     * @param source the published source of the values
     * @param config the configuration
     */
    public record Preset(String name, String description, String source, DeviceConfig config) {
    }

    /** Window of the presets whose sources give none: [1 µS, 21 µS], a typical ReRAM/ECRAM crossbar range. */
    static final double G_MIN_TYPICAL = 1e-6;
    static final double G_MAX_TYPICAL = 21e-6;

    private static final Map<String, Preset> PRESETS = build();

    private DevicePresets() {
    }

    /** The preset names, in the order of {@link #describe()}. */
    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /** Every preset, in order. */
    public static List<Preset> all() {
        return List.copyOf(PRESETS.values());
    }

    /**
     * A preset by name.
     *
     * @param name one of {@link #names()}
     * @return the preset
     * @throws IllegalArgumentException naming the unknown name and the known ones
     */
    public static Preset preset(String name) {
        Preset p = PRESETS.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown device preset '" + name + "'; known presets: " + names());
        }
        return p;
    }

    /**
     * The configuration of a preset.
     *
     * @param name one of {@link #names()}
     * @return its configuration
     * @throws IllegalArgumentException if the name is unknown
     */
    public static DeviceConfig get(String name) {
        return preset(name).config();
    }

    /**
     * Every preset as text: name, description, source and every parameter as {@code ffebm.device.*} lines.
     *
     * @return the listing
     */
    public static String describe() {
        StringBuilder b = new StringBuilder();
        for (Preset p : PRESETS.values()) {
            b.append(p.name()).append('\n');
            b.append("  ").append(p.description()).append('\n');
            b.append("  source: ").append(p.source()).append('\n');
            b.append("  step: ").append(StepModel.of(p.config()).describe()).append('\n');
            Properties props = p.config().toProperties();
            for (String k : new TreeSet<>(props.stringPropertyNames())) {
                b.append("  ").append(k).append(" = ").append(props.getProperty(k)).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * Converts an aihwkit linear-step device (written in weight units with the slopes relative to the mean bounds,
     * {@code mean_bound_reference = True}) to this package's {@link LinearStep}, mapping [wMin, wMax] linearly onto
     * [gMin, gMax]. aihwkit's expected steps are dw_min(1 − γ_A⁺ w/w_max) up and dw_min(1 − γ_A⁻ w/w_min) down; with
     * w = w_min + (w_max − w_min)x they equal δ⁺(1 − γ⁺x) and δ⁻(1 − γ⁻(1 − x)) for
     * <pre>
     *   δ⁺ = dw_min(1 − γ_A⁺ w_min/w_max),   γ⁺ = γ_A⁺ (w_max − w_min)/w_max / (1 − γ_A⁺ w_min/w_max)
     *   δ⁻ = dw_min(1 − γ_A⁻ w_max/w_min),   γ⁻ = −γ_A⁻ (w_max − w_min)/w_min / (1 − γ_A⁻ w_max/w_min)
     * </pre>
     * returned as δ = (δ⁺ + δ⁻)/2 and a = (δ⁺ − δ⁻)/(δ⁺ + δ⁻), in siemens. Soft bounds is γ_A = 1.
     *
     * @param dwMin aihwkit {@code dw_min} (weight units)
     * @param wMin aihwkit {@code w_min} (&lt; 0)
     * @param wMax aihwkit {@code w_max} (&gt; 0)
     * @param gammaUpA aihwkit {@code gamma_up}
     * @param gammaDownA aihwkit {@code gamma_down}
     * @param gMin the conductance of w_min, in siemens
     * @param gMax the conductance of w_max, in siemens
     * @return {stepSize (S), asymmetry, gammaUp, gammaDown}
     */
    static double[] fromWeightLinearStep(double dwMin, double wMin, double wMax, double gammaUpA, double gammaDownA,
                                         double gMin, double gMax) {
        double span = wMax - wMin;
        double unit = (gMax - gMin) / span;
        double cUp = 1 - gammaUpA * wMin / wMax;
        double cDown = 1 - gammaDownA * wMax / wMin;
        double up = dwMin * cUp;
        double down = dwMin * cDown;
        double gUp = gammaUpA * span / wMax / cUp;
        double gDown = -gammaDownA * span / wMin / cDown;
        return new double[] {0.5 * (up + down) * unit, (up - down) / (up + down), gUp, gDown};
    }

    private static Map<String, Preset> build() {
        Map<String, Preset> m = new LinkedHashMap<>();
        DeviceConfig ideal = DeviceConfig.defaults();
        m.put("ideal", new Preset("ideal",
                "Idealized device: continuous conductance in [0, 10 uS], constant symmetric steps of 1 nS (10^4 steps"
                        + " across the window), no noise, no variability, no faults, no drift. The reference"
                        + " configuration that must reproduce the float DHN.",
                "step count of the idealized device of Rasch, Gokmen & Haensch, IEEE Design & Test 2019"
                        + " (arXiv:1906.02698), aihwkit IdealizedPresetDevice; all non-idealities off",
                ideal));

        // aihwkit GokmenVlasovPresetDevice: dw_min 0.0016 on [-1, 1] (1250 steps), dw_min_dtod 0.3, dw_min_std 0.3,
        // up_down_dtod 0.01, w_min/max_dtod 0.3 (x |w_bound| = 0.3 weight units = 0.15 of the window).
        double w = G_MAX_TYPICAL - G_MIN_TYPICAL;
        DeviceConfig rpu = new DeviceConfig(G_MIN_TYPICAL, G_MAX_TYPICAL, 0, DeviceConfig.StepKind.CONSTANT,
                0.0016 / 2 * w, 0, 0, 0, 0.3, 0.3, 0.15, 0.01, 0, 0, 0, 0, DeviceConfig.StuckMode.G_MIN, 0, 0, 1.0,
                "");
        m.put("rpu-gokmen-vlasov", new Preset("rpu-gokmen-vlasov",
                "Resistive processing unit specification: constant step, 1250 steps across the window, 30% cycle-to-"
                        + "cycle and device-to-device step variation, 30% bound variation (0.15 of the window),"
                        + " 1% up/down imbalance spread. Window [1, 21] uS chosen here.",
                "Gokmen & Vlasov, Front. Neurosci. 10:333 (2016), as aihwkit GokmenVlasovPresetDevice",
                rpu));

        // aihwkit ReRamSBPresetDevice (Gong et al. 2018): soft bounds, dw_min 0.002 on [-0.75, 1.25], dw_min_dtod 0.3,
        // up_down_dtod 0.01, w_max_dtod 0.3/1.25 and w_min_dtod 0.3/0.75 (0.3 weight units each = 0.15 of the window),
        // additive dw_min_std 3.75 (x dw_min), write_noise_std 56 (x dw_min = 0.056 of the window).
        double[] sb = fromWeightLinearStep(0.002, -0.75, 1.25, 1, 1, G_MIN_TYPICAL, G_MAX_TYPICAL);
        DeviceConfig reram = new DeviceConfig(G_MIN_TYPICAL, G_MAX_TYPICAL, 0, DeviceConfig.StepKind.LINEAR, sb[0],
                sb[2], sb[3], sb[1], 3.75, 0.3, 0.15, 0.01, 0, 0, 56 * 0.002 / 2 * w, 0,
                DeviceConfig.StuckMode.G_MIN, 0, 0, 1.0, "");
        m.put("reram-softbounds", new Preset("reram-softbounds",
                "ReRAM with soft bounds: the step shrinks linearly to zero at each bound, about 1000 steps across the"
                        + " window, symmetric point at 37.5% of the window (weight 0 of the aihwkit fit), very noisy"
                        + " single pulses (aihwkit's additive c2c noise of 3.75 steps is applied here as 375% of the"
                        + " expected step, equal at the symmetric point), write noise 5.6% of the window. Window"
                        + " [1, 21] uS chosen here.",
                "Gong et al., Nat. Commun. 9:2102 (2018), loose fit of aihwkit ReRamSBPresetDevice",
                reram));

        // aihwkit EcRamPresetDevice (Tang et al. IEDM 2018): linear step, dw_min 0.002 on [-0.8276, 1.1724],
        // gamma_up 0.1153, gamma_down 0.5085, mult. dw_min_std 0.3, dw_min_dtod 0.1, up_down_dtod 0.01,
        // w_min/max_dtod 0.05 (x |w_bound|: 0.0414 and 0.0586 weight units, mean 0.025 of the window).
        double[] ec = fromWeightLinearStep(0.002, -0.8276, 1.1724, 0.1153, 0.5085, G_MIN_TYPICAL, G_MAX_TYPICAL);
        DeviceConfig ecram = new DeviceConfig(G_MIN_TYPICAL, G_MAX_TYPICAL, 0, DeviceConfig.StepKind.LINEAR, ec[0],
                ec[2], ec[3], ec[1], 0.3, 0.1, 0.025, 0.01, 0, 0, 0, 0, DeviceConfig.StuckMode.G_MIN, 0, 0, 1.0, "");
        m.put("ecram-linear", new Preset("ecram-linear",
                "Li-ion ECRAM: nearly linear step (about 1000 steps), the up step shrinking by 18% and the down step"
                        + " by 71% across the window, symmetric point at 41% of the window, 30% cycle-to-cycle noise."
                        + " Window [1, 21] uS chosen here.",
                "Tang et al., \"ECRAM as scalable synaptic cell for high-speed, low-power neuromorphic computing\","
                        + " IEDM 2018, as aihwkit EcRamPresetDevice",
                ecram));

        // PCM: g_max 25 uS (aihwkit PCMLikeNoiseModel g_max); programming noise: mean over g_T in [0, 1] of the fit
        // -1.1731 g_T^2 + 1.9650 g_T + 0.2635 uS = 0.855 uS; drift nu ~ N(0.05, 0.02) inside the fitted ranges
        // mu_nu in [0.049, 0.1], sigma_nu in [0.008, 0.045], t0 = 20 s; 1/f read noise Q_s sqrt(ln((t + t_r)/2t_r))
        // with Q_s = 0.0088 g_T^-0.65 is about 3-5% of g at t ~ 1 s: 0.04. Step shape chosen here.
        DeviceConfig pcm = new DeviceConfig(0.0, 25e-6, 0, DeviceConfig.StepKind.EXPONENTIAL, 1.5e-6, 3.0, 0.0,
                -1.0 / 3, 0.5, 0.0, 0.0, 0.0, 0.0, 0.04, 0.855e-6, 0.0, DeviceConfig.StuckMode.G_MIN, 0.05, 0.02,
                20.0, "");
        m.put("pcm-exponential", new Preset("pcm-exponential",
                "Phase-change memory: gradual SET whose step decays exponentially with the state (1 uS at the bottom,"
                        + " e^-3 = 5% of it at the top: about 160 pulses to saturate), a larger constant down step"
                        + " (2 uS, standing in for the abrupt RESET), 50% cycle-to-cycle noise, 4% read noise"
                        + " proportional to g, 0.855 uS programming noise, drift nu = 0.05 +- 0.02 from t0 = 20 s."
                        + " Window, programming noise, read noise and drift from the source; step shape and"
                        + " cycle-to-cycle noise chosen here.",
                "Joshi et al., Nat. Commun. 11:2473 (2020) and Nandakumar et al., ICECS 2019 (aihwkit"
                        + " PCMLikeNoiseModel); exponential step form of Querlioz et al., IEEE Trans. Nanotechnol."
                        + " 12:288 (2013)",
                pcm));
        return Collections.unmodifiableMap(m);
    }
}
