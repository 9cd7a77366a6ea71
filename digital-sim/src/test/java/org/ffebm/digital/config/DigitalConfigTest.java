package org.ffebm.digital.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.ejml.data.FMatrixRMaj;
import org.ffebm.core.block.FeedforwardBlock;
import org.ffebm.core.block.Identity;
import org.ffebm.core.block.Shape;
import org.ffebm.core.tensor.F32Ops;
import org.ffebm.digital.format.NumberFormat;
import org.ffebm.digital.layer.Quantized;
import org.junit.jupiter.api.Test;

class DigitalConfigTest {

    @Test
    void propertiesRoundTrip() {
        Properties p = new Properties();
        p.setProperty("ffebm.digital.format", "BF16");
        p.setProperty("ffebm.digital.block-formats", "readout=int8, ff2 = fp16");
        DigitalConfig c = DigitalConfig.of(p);
        assertEquals(NumberFormat.BF16, c.format());
        assertEquals(NumberFormat.INT8, c.formatOf("readout"));
        assertEquals(NumberFormat.FP16, c.formatOf("ff2"));
        assertEquals(NumberFormat.BF16, c.formatOf("ff1"));
        assertEquals(c, DigitalConfig.of(c.toProperties()));
        assertEquals(DigitalConfig.defaults(), DigitalConfig.of(new Properties()));
    }

    @Test
    void badInputNamesTheKey() {
        Properties p = new Properties();
        p.setProperty("ffebm.digital.colour", "red");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DigitalConfig.of(p)).getMessage()
                .contains("ffebm.digital.colour"));
        Properties q = new Properties();
        q.setProperty("ffebm.digital.block-formats", "a=int8,a=bf16");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DigitalConfig.of(q)).getMessage()
                .contains("twice"));
        Properties r = new Properties();
        r.setProperty("ffebm.digital.format", "fp8");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DigitalConfig.of(r)).getMessage()
                .startsWith("ffebm.digital.format"));
    }

    /** fp32 blocks stay as they are on the float32 path; others are wrapped; unknown names are reported. */
    @Test
    void wrapsOnlyTheBlocksThatNeedIt() {
        F32Ops ops = F32Ops.reference();
        Properties p = new Properties();
        p.setProperty("ffebm.digital.block-formats", "b=int8,typo=bf16");
        DigitalBlocks<FMatrixRMaj> d = new DigitalBlocks<>(DigitalConfig.of(p));
        FeedforwardBlock<FMatrixRMaj> a = new Identity<>("a", Shape.flat(4));
        FeedforwardBlock<FMatrixRMaj> b = new Identity<>("b", Shape.flat(4));
        assertSame(a, d.wrap(ops, a));
        Quantized<FMatrixRMaj> q = assertInstanceOf(Quantized.class, d.wrap(ops, b));
        assertEquals(NumberFormat.INT8, q.format());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, d::checkAllNamesUsed);
        assertTrue(e.getMessage().contains("[typo]") && e.getMessage().contains("[a, b]"), e.getMessage());
    }
}
