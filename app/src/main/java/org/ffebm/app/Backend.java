package org.ffebm.app;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.analog.crossbar.AnalogBlocks;
import org.ffebm.analog.crossbar.CrossbarConfig;
import org.ffebm.core.block.Shape;
import org.ffebm.core.config.RunConfig;
import org.ffebm.core.config.TrainConfig;
import org.ffebm.core.data.Cifar10;
import org.ffebm.core.data.Dataset;
import org.ffebm.core.data.FashionMnist;
import org.ffebm.core.data.ImageNet32;
import org.ffebm.core.data.TrainTest;
import org.ffebm.core.model.EnergyBlockFactory;
import org.ffebm.core.schedule.CostModel;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.core.tensor.GemmF32;
import org.ffebm.core.tensor.Kernels;
import org.ffebm.core.tensor.Parallel;
import org.ffebm.core.train.Trainer;
import org.ffebm.digital.config.DigitalBlocks;
import org.ffebm.digital.config.DigitalConfig;

/**
 * What a command needs from a configuration's {@code ffebm.train.*} section besides the model: the float32 back end
 * (kernel and worker threads) and the data.
 */
final class Backend {

    /** The kernel name that asks for the fastest kernel on this machine. */
    static final String FASTEST = "fastest";

    private Backend() {
    }

    /**
     * @param name a kernel name ({@code reference}, {@code ejml}, {@code blocked}, …) or {@value #FASTEST}
     * @return the kernel
     * @throws IllegalArgumentException if no kernel has that name
     */
    static GemmF32 kernel(String name) {
        return name.equals(FASTEST) ? Kernels.fastest() : Kernels.byName(name);
    }

    /**
     * The float32 operations on a kernel with the configured number of threads; close the returned ops'
     * {@link F32Ops#parallel()} when done.
     */
    static F32Ops ops(GemmF32 gemm, int threads) {
        return new F32Ops(gemm, Parallel.of(threads));
    }

    /**
     * Loads the configured data ({@code ffebm.train.data}: a Fashion-MNIST IDX, CIFAR-10 or ImageNet32 directory, see
     * {@link #load}, or empty for the embedded subset) and applies {@code limit-train} and {@code limit-test}.
     *
     * @param config (Input) the run's configuration; its class count must match the data's
     * @return the training and test sets
     * @throws IllegalArgumentException (a {@link org.ffebm.core.data.DataFormatException}) if the data is missing or
     *                                  malformed, or if its class count differs from {@code ffebm.model.classes}
     */
    static TrainTest loadData(RunConfig config) {
        TrainConfig t = config.train();
        TrainTest all = t.data().isEmpty() ? FashionMnist.embedded() : load(Path.of(t.data()));
        if (all.train().numClasses() != config.model().classes()) {
            throw new IllegalArgumentException("ffebm.model.classes = " + config.model().classes() + " but the data "
                    + all.train().name() + " has " + all.train().numClasses() + " classes");
        }
        int trainN = t.limitTrain() == 0 ? all.train().size() : t.limitTrain();
        int testN = t.limitTest() == 0 ? all.test().size() : t.limitTest();
        return all.limit(trainN, testN);
    }

    /**
     * Reads a data directory in the format its files show: the CIFAR-10 binary batches ({@code data_batch_1.bin}, in
     * the directory or its {@code cifar-10-batches-bin/}), the ImageNet32 archives ({@code train_data_batch_1.npz} or
     * {@code val_data.npz}, in the directory or the folders the downloads unpack to), else Fashion-MNIST IDX files.
     */
    static TrainTest load(Path dir) {
        if (anyExists(dir, Cifar10.TRAIN_FILES.get(0), Cifar10.SUBDIR + "/" + Cifar10.TRAIN_FILES.get(0))) {
            return Cifar10.load(dir);
        }
        if (anyExists(dir, ImageNet32.trainFile(1), ImageNet32.VAL_FILE,
                ImageNet32.TRAIN_SUBDIR + "/" + ImageNet32.trainFile(1),
                ImageNet32.VAL_SUBDIR + "/" + ImageNet32.VAL_FILE)) {
            return ImageNet32.load(dir);
        }
        return FashionMnist.load(dir);
    }

    private static boolean anyExists(Path dir, String... names) {
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The trainer of a configuration: energy blocks on crossbars when its module sections ask for them
     * ({@code ffebm.device.*} …), core's float DHN otherwise; digital blocks in the number formats of
     * {@code ffebm.digital.*}.
     *
     * @throws IllegalArgumentException if {@code ffebm.digital.block-formats} names a block the model does not have
     */
    static Trainer trainer(RunConfig config, F32Ops ops, Shape inputShape) {
        DigitalBlocks<FMatrixRMaj> digital = new DigitalBlocks<>(DigitalConfig.of(config.modules()));
        EnergyBlockFactory<FMatrixRMaj> energy = AnalogBlocks.requested(config.modules())
                ? AnalogBlocks.factory(config.modules(), config.train().seed()) : EnergyBlockFactory.dense();
        Trainer t = new Trainer(config, ops, inputShape, energy, digital);
        digital.checkAllNamesUsed();
        return t;
    }

    /**
     * The cost model of a configuration: its {@code ffebm.cost.*} figures on the crossbar layout of its
     * {@code ffebm.crossbar.*} keys (analog-sim's defaults, 512×512 tiles of differential pairs, when there are none).
     *
     * @throws IllegalArgumentException for an invalid crossbar key
     */
    static CostModel costModel(RunConfig config) {
        CrossbarConfig xb = CrossbarConfig.of(config.modules());
        return new CostModel(config.cost(), xb.rows(), xb.cols(),
                xb.mapping() == CrossbarConfig.Mapping.DIFFERENTIAL ? 2 : 1);
    }

    /** The shape of one sample of a data set. */
    static Shape shape(Dataset d) {
        return new Shape(d.channels(), d.rows(), d.cols());
    }

    /** Where the data comes from, for logs and provenance. */
    static String source(TrainConfig t) {
        return t.data().isEmpty() ? "embedded Fashion-MNIST subset" : t.data();
    }
}
