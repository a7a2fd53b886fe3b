/**
 * Recipes: the YAML file that describes a run ({@link ai.curator.recipe.RecipeReader}, strict),
 * its data set section, its stage entries, and row text templates.
 */
package ai.curator.recipe;
