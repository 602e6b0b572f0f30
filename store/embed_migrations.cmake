# Writes a C++ file that holds every migrations/*.sql file, so binaries need no SQL on disk.
# Inputs: MIGRATIONS_DIR, OUTPUT.
file(GLOB files "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME)
  string(SUBSTRING "${name}" 0 4 version)
  math(EXPR version "${version}")
  file(READ "${f}" sql)
  string(APPEND body "      {${version}, \"${name}\", R\"oms_sql(${sql})oms_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from migrations/*.sql by store/embed_migrations.cmake.\n#include \"store/migrations.h\"\n\nnamespace betteroms::store {\n\nconst std::vector<Migration>& EmbeddedMigrations() {\n  static const auto* kMigrations = new std::vector<Migration>{\n${body}  };\n  return *kMigrations;\n}\n\n}  // namespace betteroms::store\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
