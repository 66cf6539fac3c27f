"""Annual work items (年度工作计划) and their assignments: pages, forms, reads, routes and the Excel import."""
