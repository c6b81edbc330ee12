# nn blocks, ARC, losses (test_model), discrete-token codebooks (test_codebooks) and the
# trainer, checkpoints, ArfcModel (test_train).
arfc_test(model LIBS arfc_train arfc_model arfc_nn arfc_core)
arfc_test(codebooks LIBS arfc_model arfc_core)
arfc_test(train LIBS arfc_train arfc_model arfc_nn arfc_io arfc_core)
# Data-parallel training across two processes (test_distributed; skips without gloo).
arfc_test(distributed LIBS arfc_train arfc_model arfc_nn arfc_io arfc_core)
