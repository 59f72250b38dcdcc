/** The version written into every report, so a replay can tell it was recorded by another release. */
export const FAULTLINE_VERSION = "0.1.0";
