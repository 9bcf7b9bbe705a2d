package org.neurosweep.exec;

import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DeviceBinderTest {

    @Test
    void recordsTheAssignedGpuWithoutBindingOnTheCpuBackend() {
        DeviceBinder binder = new DeviceBinder(false);
        Device d = binder.bind(Map.of("gpu", new ResourceInformation("gpu", new String[]{"3"})));
        assertEquals(new Device("gpu:3", false), d);
    }

    @Test
    void aTaskWithoutGpuRunsOnCpu() {
        DeviceBinder binder = new DeviceBinder();
        assertEquals(Device.CPU, binder.bind(Map.of()));
        assertEquals(Device.CPU, binder.bind((org.apache.spark.TaskContext) null));
        assertEquals(Device.CPU, binder.bind(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
    }

    @Test
    void thisBuildUsesTheCpuBackend() {
        assertEquals(new Device("gpu:0", false), new DeviceBinder().bind(Map.of("gpu", new ResourceInformation("gpu", new String[]{"0"}))),
                "nd4j-native is on the test classpath, so the address is recorded, not bound");
    }
}
