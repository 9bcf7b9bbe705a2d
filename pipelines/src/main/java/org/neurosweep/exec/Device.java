package org.neurosweep.exec;

/** Where a unit ran: {@code cpu} or {@code gpu:<address>}, and whether ND4J was bound to that GPU. */
public record Device(String name, boolean bound) {

    public static final Device CPU = new Device("cpu", false);
}
