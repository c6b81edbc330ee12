arfc_test(codes LIBS arfc_codes)
# End to end through the `arfc` binary; the model part needs tests/data/model_v1.arfc.
arfc_test(cli_codes LIBS arfc_search arfc_train arfc_codes arfc_io arfc_core)
if(TARGET arfc_cli)
  add_dependencies(test_cli_codes arfc_cli)  # runs the binary
endif()
