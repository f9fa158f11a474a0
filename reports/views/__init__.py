"""The reports' pages, one module per page or concern: the annual summary and its sections (summary),
where its figures come from (sources), its exports and archive (exports), the secretary's dashboard and
review queue (dashboard), the committee's overview (overview) and the user's home page (home)."""
