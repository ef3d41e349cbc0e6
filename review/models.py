"""初审 → 汇总表 → 培训 → 考核 → 命名: filled by the issues that follow the 申报 stage."""
