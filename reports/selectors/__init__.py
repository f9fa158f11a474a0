"""The reports' reads, one module per page: the annual summary's figures (summary), the secretary's
dashboard and the figures the other pages share with it (dashboard), the committee's overview
(overview) and the home page's panels (home)."""
