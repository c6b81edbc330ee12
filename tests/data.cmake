arfc_test(data LIBS arfc_data)
