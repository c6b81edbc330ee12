arfc_test(core LIBS arfc_core)
