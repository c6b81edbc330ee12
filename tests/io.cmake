arfc_test(io LIBS arfc_io)
arfc_test(feature_set LIBS arfc_io)
arfc_test(cmd_info LIBS arfc_io)
if(TARGET arfc_cli)
  add_dependencies(test_cmd_info arfc_cli)  # runs the binary
endif()
